#!/usr/bin/env bash
# recipes/java.toml and maven.toml with the real tools: javac + java of a
# small program, and `mvn -o validate` of a project (offline: Debian's
# maven has no plugins in a local repository, so the build stops at the
# phase that needs none; it still runs mvn's launcher script, reads the
# project and the settings). The wall: ~/.m2/settings.xml (<server>
# passwords) does not exist inside; MAVEN_TOKEN, the variable maven.toml
# passes for ${env.MAVEN_TOKEN} in a project settings.xml, reaches the run.
# (Gradle: Debian 12's gradle 4.4 does not run on its Java 17; not tested.)
if [ -f "${CAN_SRCDIR}/test/lib.sh" ]; then . "${CAN_SRCDIR}/test/lib.sh"; else . "${CAN_SRCDIR}/lib.sh"; fi
t_drop_to_user "$CAN_SRCDIR/test/recipe_tools_lib.sh"
. "$CAN_SRCDIR/test/recipe_tools_lib.sh"
rt_need java javac

H=$T_HOME
cd "$RT_TOP" || exit 1
printf 'public class Hello { public static void main(String[] a) { System.out.println("java " + (40 + 2)); } }\n' >Hello.java
t_expect "javac and java succeed inside (-r java)" 0 "$CAN" run -r java -- sh -c 'javac Hello.java && java Hello'
t_grep "... and the program runs" "^java 42$" "$T_OUT"
t_nogrep "... with no refusal" "can: refused" "$T_ERR"

if command -v mvn >/dev/null; then
	mkdir -p "$H/.m2"
	printf '<settings><servers><server><id>x</id><username>u</username><password>MVN-HOME-SECRET-23</password></server></servers></settings>\n' >"$H/.m2/settings.xml"
	cat >pom.xml <<'P'
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>test</groupId><artifactId>t</artifactId><version>1</version>
  <packaging>pom</packaging>
</project>
P
	t_expect "mvn -o validate succeeds inside (-r java -r maven)" 0 \
		"$CAN" run -r java -r maven -- mvn -o -B validate
	t_grep "... BUILD SUCCESS" "BUILD SUCCESS" "$T_OUT"
	t_nogrep "... with no refusal" "can: refused" "$T_ERR"
	t_hidden "$H/.m2/settings.xml" MVN-HOME-SECRET-23 -r java -r maven
	t_visible "$RT_TOP/pom.xml" -r java -r maven
	t_run env MAVEN_TOKEN=mvn-env-token-24 "$CAN" run -r java -r maven -- sh -c 'echo "$MAVEN_TOKEN"'
	t_grep "MAVEN_TOKEN reaches the run" "^mvn-env-token-24$" "$T_OUT"
	rm -rf "$H/.m2"
else
	t_skip "maven is not installed"
fi
t_done
