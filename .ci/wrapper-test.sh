#!/usr/bin/env bash
# Tests ./mvnw's three ways to the pinned Maven, each in a fresh temporary HOME, with no network
# beyond loopback: the "remote" repositories are python3 http.server instances on 127.0.0.1.
#   (2) a Maven on PATH fetches the distribution through the settings.xml mirror (a loopback server
#       over the real local repository, so the dependency plugin resolves from there too);
#   (1) the installed one is then used with no Maven on PATH and no reachable repository;
#   (3) a JDK only: from MVNW_REPOURL, and from the first settings.xml mirror;
#   and: no way at all gives a clear error; a tampered distribution (a valid tar.gz with one file
#   added) is refused, by both the Maven and the JDK-only way, and nothing is installed.
# Fixture: the real distribution, taken from the local repository (fetched there by ./mvnw first if
# it is missing). Run by .ci/run; alone: bash .ci/wrapper-test.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
props="$root/.mvn/wrapper/pinned-maven.properties"
version=$(sed -n 's/^version=//p' "$props")
sha512=$(sed -n 's/^sha512=//p' "$props")
name="apache-maven-$version"
rel="org/apache/maven/apache-maven/$version/$name-bin.tar.gz"
real_repo="${WRAPPER_TEST_LOCAL_REPO:-$HOME/.m2/repository}"
unset MAVEN_HOME MAVEN_OPTS MAVEN_ARGS MAVEN_USER_HOME MVNW_REPOURL MVNW_USERNAME MVNW_PASSWORD JAVA_TOOL_OPTIONS

# The Maven on PATH resolves the fixture and, with it, the dependency plugin as it resolves it for
# itself into the real local repository: what case (2)'s loopback mirror then serves from there.
system_mvn=$(command -v mvn || true)
get=(-B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:get
  "-Dartifact=org.apache.maven:apache-maven:$version:tar.gz:bin" -Dtransitive=false)
if [ -n "$system_mvn" ]; then
  (cd "${TMPDIR:-/tmp}" && "$system_mvn" "${get[@]}")
elif [ ! -f "$real_repo/$rel" ]; then
  "$root/mvnw" "${get[@]}"
fi
java "$root/.mvn/wrapper/Fetch.java" verify "$real_repo/$rel" "$sha512"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
failures=0
fail() { echo "wrapper-test: FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "wrapper-test: ok: $*"; }

# serve DIR LOG: a loopback HTTP server over DIR, its request log in LOG; prints its port.
serve() {
  python3 -u -m http.server 0 --bind 127.0.0.1 --directory "$1" >"$2" 2>&1 &
  pids+=($!)
  local port=
  for _ in $(seq 1 300); do
    port=$(sed -n 's/.* port \([0-9][0-9]*\).*/\1/p' "$2" | head -n 1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { echo "wrapper-test: http.server on $1 did not start: $(cat "$2")" >&2; exit 1; }
  echo "$port"
}

settings() { # settings HOME URL: a settings.xml whose only mirror is URL
  mkdir -p "$1/.m2"
  cat >"$1/.m2/settings.xml" <<EOF
<settings>
  <mirrors>
    <mirror><id>loopback</id><mirrorOf>*</mirrorOf><url>$2</url></mirror>
  </mirrors>
</settings>
EOF
}

# A PATH with what mvnw and Maven's bin/mvn use, and no mvn.
nomvn="$work/bin"
mkdir -p "$nomvn"
for cmd in sh bash env tar gzip sed tr head cut mkdir mktemp rm mv cat dirname basename uname grep expr ls \
  pwd readlink chmod sort find which; do
  if p=$(command -v "$cmd"); then ln -s "$p" "$nomvn/$cmd"; fi
done
ln -s "$(readlink -f "$(command -v java)")" "$nomvn/java"
[ ! -e "$nomvn/mvn" ] || { echo "wrapper-test: mvn in the stripped PATH" >&2; exit 1; }

# mvnw_in HOME [VAR=value...]: ./mvnw -v in the project with that HOME; stdout+stderr to $out.
# Java takes user.home from the password database, not $HOME: Maven is told it (its settings.xml
# and local repository are then the temporary HOME's).
out="$work/out"
mvnw_in() {
  local home=$1; shift
  (cd "$root" && env HOME="$home" MAVEN_OPTS="-Duser.home=$home" "$@" ./mvnw -v) >"$out" 2>&1
}
requests() { grep -c "GET /$rel " "$1" || true; }
installed_under() { # the Maven home -v reports is this HOME's dists
  grep -q "^Apache Maven $version " "$out" && grep -q "^Maven home: $1/.m2/wrapper/dists/$name-bin/" "$out"
}
nothing_installed() { ! find "$1/.m2/wrapper" -path "*/bin/mvn" 2>/dev/null | grep -q .; }

# A tampered distribution: the real one plus a file, repacked: a valid tar.gz, the wrong SHA-512.
mkdir -p "$work/unpack" "$work/bad/$(dirname "$rel")"
tar -xzf "$real_repo/$rel" -C "$work/unpack"
echo tampered >"$work/unpack/$name/lib/tampered.txt"
tar -czf "$work/bad/$rel" -C "$work/unpack" "$name"

# A repository laid out like Maven's with the real distribution only, for the JDK-only way.
mkdir -p "$work/remote/$(dirname "$rel")"
cp "$real_repo/$rel" "$work/remote/$rel"
remote_port=$(serve "$work/remote" "$work/remote.log")
bad_port=$(serve "$work/bad" "$work/bad.log")
mirror_port=$(serve "$real_repo" "$work/mirror.log")

# (2) Maven on PATH, settings.xml mirror on loopback.
h2="$work/home2"
settings "$h2" "http://127.0.0.1:$mirror_port"
if [ -z "$system_mvn" ]; then
  fail "(2) needs a Maven on PATH (any 3.6.3+) to test fetching through it"
elif mvnw_in "$h2" && installed_under "$h2" && [ "$(requests "$work/mirror.log")" -ge 1 ] \
    && grep -q "fetched by $(command -v mvn)" "$out" && ! grep -q "direct download" "$out"; then
  pass "(2) a Maven on PATH fetched $name through the settings.xml mirror"
else
  fail "(2) Maven on PATH: $(cat "$out")"
fi

# (1) installed: no mvn on PATH, the repository unreachable, nothing downloaded.
before=$(requests "$work/mirror.log")
if mvnw_in "$h2" PATH="$nomvn" MVNW_REPOURL="http://127.0.0.1:9" && installed_under "$h2" \
    && ! grep -q "installing" "$out" && [ "$(requests "$work/mirror.log")" = "$before" ]; then
  pass "(1) the installed $name ran with no mvn on PATH and no repository"
else
  fail "(1) installed: $(cat "$out")"
fi

# (3a) JDK only, MVNW_REPOURL.
h3="$work/home3"
mkdir -p "$h3"
if mvnw_in "$h3" PATH="$nomvn" MVNW_REPOURL="http://127.0.0.1:$remote_port/" && installed_under "$h3" \
    && [ "$(requests "$work/remote.log")" = 1 ]; then
  pass "(3) JDK only: downloaded from MVNW_REPOURL"
else
  fail "(3) MVNW_REPOURL: $(cat "$out")"
fi

# (3b) JDK only, the first settings.xml mirror.
h3b="$work/home3b"
settings "$h3b" "http://127.0.0.1:$remote_port"
if mvnw_in "$h3b" PATH="$nomvn" && installed_under "$h3b" && [ "$(requests "$work/remote.log")" = 2 ] \
    && grep -q "first <mirror>" "$out"; then
  pass "(3) JDK only: downloaded from the settings.xml mirror"
else
  fail "(3) settings.xml mirror: $(cat "$out")"
fi

# No way to Maven: a clear error naming the variable; nothing installed.
h0="$work/home0"
mkdir -p "$h0"
if ! mvnw_in "$h0" PATH="$nomvn" && grep -q "Set MVNW_REPOURL" "$out" && nothing_installed "$h0"; then
  pass "no Maven, no repository: refused with 'Set MVNW_REPOURL'"
else
  fail "no way: $(cat "$out")"
fi

# Tampered, JDK only: refused before unpacking.
hb="$work/homebad"
mkdir -p "$hb"
if ! mvnw_in "$hb" PATH="$nomvn" MVNW_REPOURL="http://127.0.0.1:$bad_port" && grep -q "SHA-512 mismatch" "$out" \
    && [ "$(requests "$work/bad.log")" = 1 ] && nothing_installed "$hb" \
    && [ -z "$(find "$hb/.m2/wrapper" -name tampered.txt 2>/dev/null)" ]; then
  pass "(3) a tampered distribution is refused"
else
  fail "(3) tampered: $(cat "$out")"
fi

# Tampered, through Maven: the local repository already holds the tampered file.
hb2="$work/homebad2"
[ -n "$system_mvn" ] || fail "(2) tampered: needs a Maven on PATH"
settings "$hb2" "http://127.0.0.1:$mirror_port"
mkdir -p "$hb2/.m2/repository/$(dirname "$rel")"
cp "$work/bad/$rel" "$hb2/.m2/repository/$rel"
if ! mvnw_in "$hb2" && grep -q "SHA-512 mismatch" "$out" && nothing_installed "$hb2"; then
  pass "(2) a tampered distribution from Maven's repository is refused"
else
  fail "(2) tampered: $(cat "$out")"
fi

if [ "$failures" -ne 0 ]; then
  echo "wrapper-test: $failures case(s) failed" >&2
  exit 1
fi
echo "wrapper-test: all cases passed (Maven $version)"
