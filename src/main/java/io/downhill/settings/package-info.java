/**
 * Settings declared once ({@link io.downhill.settings.Setting}: name, flag, type, default,
 * validator, doc, the front ends that show it) and values of them validated on the way in
 * ({@link io.downhill.settings.SettingValues}). The catalogue of a training run's settings is
 * {@link io.downhill.train.TrainingSettings}; the command line and Spark ML make their options and
 * Params from it, and a core error names a setting by its {@link io.downhill.settings.Setting#name()}
 * for each front end to word as its own.
 */
package io.downhill.settings;
