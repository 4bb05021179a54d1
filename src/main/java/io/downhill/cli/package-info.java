/**
 * The command line: {@code downhill train | evaluate | gradcheck}, run by {@code scripts/downhill}
 * or {@code spark-submit --class io.downhill.cli.Main}. Every setting is a flag and may also come
 * from a properties file ({@code --conf FILE}, keys are the flag names without dashes; flags win).
 *
 * <p>Exit codes ({@link io.downhill.cli.ExitCodes}): 0 success, 1 a check failed or an internal
 * error, 2 bad input or usage, 3 training diverged.
 */
package io.downhill.cli;
