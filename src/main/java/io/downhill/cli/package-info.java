/**
 * The command line: {@code downhill train | evaluate | gradcheck}, run by {@code scripts/downhill}
 * or {@code spark-submit --class io.downhill.cli.Main}. Every setting is a flag and may also come
 * from a properties file ({@code --conf FILE}, keys are the flag names without dashes; flags win).
 * The options of the training settings are made from their declarations
 * ({@link io.downhill.train.TrainingSettings}) by {@link io.downhill.cli.SettingOptions}; errors
 * about a setting name it by its flag.
 *
 * <p>Exit codes ({@link io.downhill.cli.ExitCodes}): 0 success, 1 a check failed or an internal
 * error, 2 bad input or usage, 3 training diverged.
 */
package io.downhill.cli;
