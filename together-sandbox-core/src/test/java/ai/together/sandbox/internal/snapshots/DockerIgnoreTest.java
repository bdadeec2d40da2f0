package ai.together.sandbox.internal.snapshots;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The {@code .dockerignore} matcher (gitwildmatch semantics, as the Python SDK's
 * {@code pathspec}), ANSI stripping and the builder URL rule.
 */
class DockerIgnoreTest {

	@Test
	void nameWithoutSlashMatchesAtAnyDepthAndEverythingBelowIt() {
		DockerIgnore ignore = DockerIgnore.parse(List.of("node_modules"));
		assertThat(ignore.isExcluded("node_modules")).isTrue();
		assertThat(ignore.isExcluded("node_modules/a/b.js")).isTrue();
		assertThat(ignore.isExcluded("web/node_modules/x.js")).isTrue();
		assertThat(ignore.isExcluded("node_modules2/x.js")).isFalse();
		assertThat(ignore.isExcluded("my_node_modules")).isFalse();
	}

	@Test
	void leadingSlashOrInnerSlashAnchorsAtTheRoot() {
		DockerIgnore ignore = DockerIgnore.parse(List.of("/root.txt", "docs/*.md"));
		assertThat(ignore.isExcluded("root.txt")).isTrue();
		assertThat(ignore.isExcluded("sub/root.txt")).isFalse();
		assertThat(ignore.isExcluded("docs/a.md")).isTrue();
		assertThat(ignore.isExcluded("docs/deep/a.md")).isFalse();
		assertThat(ignore.isExcluded("other/docs/a.md")).isFalse();
	}

	@Test
	void trailingSlashMatchesOnlyWhatIsBelowADirectory() {
		DockerIgnore ignore = DockerIgnore.parse(List.of("build/"));
		assertThat(ignore.isExcluded("build/out.bin")).isTrue();
		assertThat(ignore.isExcluded("src/build/out.bin")).isTrue();
		assertThat(ignore.isExcluded("build")).as("a file named build").isFalse();
	}

	@Test
	void lastMatchingPatternWinsAndNegationsIncludeAgain() {
		DockerIgnore ignore = DockerIgnore.parse(List.of("*.log", "!important.log", "logs/", "!logs/keep.log"));
		assertThat(ignore.isExcluded("a.log")).isTrue();
		assertThat(ignore.isExcluded("deep/dir/b.log")).isTrue();
		assertThat(ignore.isExcluded("important.log")).isFalse();
		assertThat(ignore.isExcluded("deep/important.log")).isFalse();
		assertThat(ignore.isExcluded("logs/x.txt")).isTrue();
		assertThat(ignore.isExcluded("logs/keep.log")).isFalse();
		assertThat(DockerIgnore.parse(List.of("!a.txt", "a.txt")).isExcluded("a.txt")).isTrue();
	}

	@Test
	void doubleAsteriskSpansDirectories() {
		DockerIgnore ignore = DockerIgnore.parse(List.of("**/cache", "docs/**/*.tmp", "out/**"));
		assertThat(ignore.isExcluded("cache")).isTrue();
		assertThat(ignore.isExcluded("a/b/cache/x")).isTrue();
		assertThat(ignore.isExcluded("docs/x.tmp")).isTrue();
		assertThat(ignore.isExcluded("docs/a/b/x.tmp")).isTrue();
		assertThat(ignore.isExcluded("docs/a/b/x.md")).isFalse();
		assertThat(ignore.isExcluded("out/a/b")).isTrue();
		assertThat(ignore.isExcluded("out")).isFalse();
	}

	@Test
	void wildcardsAndClassesStayWithinOneSegment() {
		DockerIgnore ignore = DockerIgnore.parse(List.of("secret?.txt", "*.[oa]", "[!x]y.bin", "a*b"));
		assertThat(ignore.isExcluded("secret1.txt")).isTrue();
		assertThat(ignore.isExcluded("secret12.txt")).isFalse();
		assertThat(ignore.isExcluded("lib/x.o")).isTrue();
		assertThat(ignore.isExcluded("x.a")).isTrue();
		assertThat(ignore.isExcluded("x.c")).isFalse();
		assertThat(ignore.isExcluded("zy.bin")).isTrue();
		assertThat(ignore.isExcluded("xy.bin")).isFalse();
		assertThat(ignore.isExcluded("a/b")).isFalse();
		assertThat(ignore.isExcluded("axxb")).isTrue();
	}

	@Test
	void commentsBlankLinesEscapesAndWhitespace() {
		DockerIgnore ignore = DockerIgnore.parse(
				List.of("# a comment", "", "   ", "\\#hash.txt", "\\!bang.txt", "  padded.txt  ", "dot.*", "a+b(c)"));
		assertThat(ignore.isExcluded("# a comment")).isFalse();
		assertThat(ignore.isExcluded("#hash.txt")).isTrue();
		assertThat(ignore.isExcluded("!bang.txt")).isTrue();
		assertThat(ignore.isExcluded("padded.txt")).isTrue();
		assertThat(ignore.isExcluded("dot.x")).isTrue();
		assertThat(ignore.isExcluded("dotx")).isFalse();
		assertThat(ignore.isExcluded("a+b(c)")).isTrue();
		assertThat(ignore.isExcluded("aab(c)")).isFalse();
	}

	@Test
	void invalidPatternIsAnIllegalArgument() {
		assertThatIllegalArgumentException().isThrownBy(() -> DockerIgnore.parse(List.of("trailing\\")))
			.withMessageContaining("trailing");
	}

	@Test
	void stripsCsiSequencesOnly() {
		assertThat(Ansi.strip("\u001B[1m\u001B[32;1mok\u001B[0m \u001B[2K\u001B[?25ldone")).isEqualTo("ok done");
		assertThat(Ansi.strip("plain [1m text")).isEqualTo("plain [1m text");
		assertThat(Ansi.strip("\u001B]0;title\u0007x")).as("not a CSI sequence").isEqualTo("\u001B]0;title\u0007x");
	}

	@Test
	void builderUrlFollowsTheBaseUrl() {
		assertThat(ImageBuilderClient.builderUrl("https://api.bartender.codesandbox.stream"))
			.isEqualTo("https://builder.codesandbox.stream");
		assertThat(ImageBuilderClient.builderUrl("https://api.codesandbox.io")).isEqualTo("https://builder.codesandbox.io");
		assertThat(ImageBuilderClient.builderUrl("https://api.codesandbox.dev/")).isEqualTo("https://builder.codesandbox.dev");
		assertThat(ImageBuilderClient.builderUrl("http://localhost:8080")).isEqualTo("http://localhost:8080");
		assertThat(ImageBuilderClient.builderUrl("http://127.0.0.1:9000")).isEqualTo("http://127.0.0.1:9000");
	}

	@Test
	void localBuildsUseArmOnlyOnAnArmMacAgainstTheDevEnvironment() {
		assertThat(Architecture.local("Mac OS X", "aarch64", "https://api.codesandbox.dev"))
			.isEqualTo("arm64");
		assertThat(Architecture.local("Mac OS X", "aarch64", "https://api.codesandbox.io"))
			.isEqualTo("amd64");
		assertThat(Architecture.local("Linux", "aarch64", "https://api.codesandbox.dev"))
			.isEqualTo("amd64");
		assertThat(Architecture.local("Linux", "amd64", "https://api.codesandbox.dev"))
			.isEqualTo("amd64");
	}

}
