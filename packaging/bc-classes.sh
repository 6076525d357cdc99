#!/usr/bin/env bash
# Prints the BouncyCastle classes the tool needs, as the <include> lines of pom.xml's shade filter:
# every class our compiled classes reference, and everything those reference in turn (jdeps, class level,
# no package filter), within bcprov. Run it after `mvn compile` when the tool starts using another
# BouncyCastle class (packaging/build.sh stops the build with "references classes it does not contain"),
# and paste its output over the <include> lines of the org.bouncycastle filter.
set -euo pipefail
cd "$(dirname "$0")/.."
bc=$(ls ~/.m2/repository/org/bouncycastle/bcprov-jdk18on/*/bcprov-jdk18on-*.jar | grep -v sources | tail -1)
[ -d target/classes ] || { echo "bc-classes: run 'mvn -o compile' first" >&2; exit 1; }
deps() { jdeps -verbose:class -filter:none --multi-release 17 "$@" 2>/dev/null | awk '/->/ {print $1, $3}'; }
python3 - <(deps -cp "$bc" target/classes) <(deps "$bc") <<'PY'
import sys, collections
roots = {b for line in open(sys.argv[1]) for b in [line.split()[1]] if b.startswith("org.bouncycastle.")}
graph = collections.defaultdict(set)
for line in open(sys.argv[2]):
    a, b = line.split()
    if b.startswith("org.bouncycastle."):
        graph[a].add(b)
seen, stack = set(), list(roots)
while stack:
    c = stack.pop()
    if c not in seen:
        seen.add(c)
        stack.extend(graph[c])
for c in sorted(seen):
    print("                    <include>%s.class</include>" % c.replace(".", "/"))
PY
