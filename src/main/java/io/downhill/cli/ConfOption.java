package io.downhill.cli;

import picocli.CommandLine.Option;

/**
 * {@code --conf FILE}, for every command: a properties file of defaults for its flags (read by
 * {@link ConfFile} before picocli parses, so it is declared here only to be accepted and shown).
 */
final class ConfOption {
  @Option(names = ConfFile.FLAG, paramLabel = "FILE", description = "Properties file of defaults for these flags (flags win)")
  String file;
}
