# Shared by scripts/downhill and scripts/cluster (sourced, not run).

# The java to run: $JAVA_HOME/bin/java when set, else java on the PATH.
downhill_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then echo "$JAVA_HOME/bin/java"; else echo java; fi
}

# The application jar (shaded: Downhill + picocli).
downhill_jar() {
  local f
  for f in "$1"/target/downhill-*.jar; do
    case "$f" in *original*|*sources*|*tests*) continue ;; esac
    [ -f "$f" ] && { echo "$f"; return 0; }
  done
  return 0
}

# Builds with Maven when the jar or the classpath file is missing, or a source is newer than the jar.
downhill_build_if_needed() {
  local root=$1 jar
  jar=$(downhill_jar "$root")
  if [ -z "$jar" ] || [ ! -f "$root/target/classpath.txt" ] \
     || [ -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]; then
    echo "downhill: building the jar (mvn package)..." >&2
    (cd "$root" && mvn -q -B -DskipTests package) >&2
  fi
}

# Jar plus Spark and the rest, from the local Maven repository.
downhill_classpath() {
  echo "$(downhill_jar "$1"):$(cat "$1/target/classpath.txt")"
}
