package ai.together.sandbox.internal.snapshots;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import org.jspecify.annotations.Nullable;

/**
 * The patterns of a {@code .dockerignore} file, matched with gitignore ("gitwildmatch")
 * semantics the way the Python SDK's {@code pathspec} library matches them (PROTOCOL.md §5.3),
 * not Docker's own rules:
 * <ul>
 * <li>blank lines and lines starting with {@code #} are ignored; surrounding whitespace is
 * trimmed unless a trailing space is escaped ({@code \ });</li>
 * <li>{@code !} negates: a later matching negated pattern includes the path again (the last
 * matching pattern wins, and unlike git, a file inside an excluded directory can be included
 * again, because each file's path is matched on its own);</li>
 * <li>a pattern without {@code /} (or with only a trailing one) matches at any depth; otherwise it
 * is anchored at the context root (a leading {@code /} only anchors);</li>
 * <li>a trailing {@code /} matches directories only, that is, everything below them; a pattern
 * without it also matches everything below a directory of that name;</li>
 * <li>{@code *} and {@code ?} do not cross {@code /}; {@code [...]} is a character class
 * ({@code !} or {@code ^} negates); {@code **} as a whole segment matches any number of
 * directories; {@code \} escapes the next character.</li>
 * </ul>
 */
public final class DockerIgnore {

	private static final DockerIgnore EMPTY = new DockerIgnore(List.of());

	private final List<Rule> rules;

	private DockerIgnore(List<Rule> rules) {
		this.rules = List.copyOf(rules);
	}

	/**
	 * Returns the matcher of a context's {@code .dockerignore}, or one that matches nothing
	 * when the file does not exist.
	 * @param contextDir the context directory
	 * @return the matcher
	 * @throws IOException when the file cannot be read
	 */
	public static DockerIgnore load(Path contextDir) throws IOException {
		Path file = contextDir.resolve(".dockerignore");
		if (!Files.isRegularFile(file)) {
			return EMPTY;
		}
		return parse(Files.readString(file, StandardCharsets.UTF_8).lines().toList());
	}

	/**
	 * Compiles patterns.
	 * @param lines the lines of a {@code .dockerignore} file
	 * @return the matcher
	 * @throws IllegalArgumentException when a pattern is invalid (for example a lone trailing
	 * {@code \})
	 */
	public static DockerIgnore parse(List<String> lines) {
		List<Rule> rules = new ArrayList<>();
		for (String line : lines) {
			Rule rule = compile(line);
			if (rule != null) {
				rules.add(rule);
			}
		}
		return new DockerIgnore(rules);
	}

	/**
	 * Whether a file is excluded from the context.
	 * @param relativePath the file's path relative to the context, with {@code /} separators
	 * and no leading {@code ./}
	 * @return {@code true} when the last matching pattern excludes it
	 */
	public boolean isExcluded(String relativePath) {
		boolean excluded = false;
		for (Rule rule : this.rules) {
			if (rule.regex().matcher(relativePath).matches()) {
				excluded = !rule.negated();
			}
		}
		return excluded;
	}

	private static @Nullable Rule compile(String line) {
		String pattern = line.endsWith("\\ ") ? line.stripLeading() : line.strip();
		if (pattern.isEmpty() || pattern.startsWith("#") || pattern.equals("/")) {
			return null;
		}
		boolean negated = pattern.startsWith("!");
		if (negated) {
			pattern = pattern.substring(1);
		}
		List<String> segments = new ArrayList<>(List.of(pattern.split("/", -1)));
		// Collapse runs of "**" segments into one.
		for (int i = segments.size() - 1; i > 0; i--) {
			if (segments.get(i).equals("**") && segments.get(i - 1).equals("**")) {
				segments.remove(i);
			}
		}
		if (segments.size() == 2 && segments.get(0).equals("**") && segments.get(1).isEmpty()) {
			// "**/" matches everything except files directly in the root.
			return new Rule(Pattern.compile("^.+/.*$"), negated);
		}
		if (segments.get(0).isEmpty()) {
			// A leading "/" anchors the pattern at the root.
			segments.remove(0);
		}
		else if (segments.size() == 1 || (segments.size() == 2 && segments.get(1).isEmpty())) {
			// A single name (optionally with a trailing "/") matches at any depth.
			if (!segments.get(0).equals("**")) {
				segments.add(0, "**");
			}
		}
		if (segments.isEmpty()) {
			throw new IllegalArgumentException("Invalid .dockerignore pattern: " + line);
		}
		if (segments.size() > 1 && segments.get(segments.size() - 1).isEmpty()) {
			// "dir/" matches everything below the directory.
			segments.set(segments.size() - 1, "**");
		}
		StringBuilder regex = new StringBuilder("^");
		boolean needSlash = false;
		int end = segments.size() - 1;
		for (int i = 0; i <= end; i++) {
			String segment = segments.get(i);
			if (segment.equals("**")) {
				if (i == 0 && i == end) {
					regex.append("[^/]+(?:/.*)?");
				}
				else if (i == 0) {
					regex.append("(?:.+/)?");
					needSlash = false;
				}
				else if (i == end) {
					regex.append("/.*");
				}
				else {
					regex.append("(?:/.+)?");
					needSlash = true;
				}
				continue;
			}
			if (needSlash) {
				regex.append('/');
			}
			regex.append(segment.equals("*") ? "[^/]+" : translateGlob(segment, line));
			if (i == end) {
				// A final name also matches everything below a directory of that name.
				regex.append("(?:/.*)?");
			}
			needSlash = true;
		}
		regex.append('$');
		try {
			return new Rule(Pattern.compile(regex.toString(), Pattern.DOTALL), negated);
		}
		catch (PatternSyntaxException ex) {
			throw new IllegalArgumentException("Invalid .dockerignore pattern: " + line, ex);
		}
	}

	private static String translateGlob(String glob, String line) {
		StringBuilder regex = new StringBuilder();
		boolean escape = false;
		int i = 0;
		int end = glob.length();
		while (i < end) {
			char c = glob.charAt(i++);
			if (escape) {
				escape = false;
				appendLiteral(regex, c);
			}
			else if (c == '\\') {
				escape = true;
			}
			else if (c == '*') {
				regex.append("[^/]*");
			}
			else if (c == '?') {
				regex.append("[^/]");
			}
			else if (c == '[') {
				int j = i;
				if (j < end && (glob.charAt(j) == '!' || glob.charAt(j) == '^')) {
					j++;
				}
				if (j < end && glob.charAt(j) == ']') {
					j++;
				}
				while (j < end && glob.charAt(j) != ']') {
					j++;
				}
				if (j < end) {
					StringBuilder set = new StringBuilder("[");
					if (glob.charAt(i) == '!' || glob.charAt(i) == '^') {
						set.append('^');
						i++;
					}
					for (int k = i; k < j; k++) {
						char member = glob.charAt(k);
						// Escape what Java's class syntax would read as an operator or a nested class.
						if (member == '\\' || member == '[' || member == ']' || member == '&' || (member == '^' && k == i)) {
							set.append('\\');
						}
						set.append(member);
					}
					regex.append(set).append(']');
					i = j + 1;
				}
				else {
					regex.append("\\[");
				}
			}
			else {
				appendLiteral(regex, c);
			}
		}
		if (escape) {
			throw new IllegalArgumentException("Invalid .dockerignore pattern (trailing backslash): " + line);
		}
		return regex.toString();
	}

	private static void appendLiteral(StringBuilder regex, char c) {
		// In Java regexes a backslash before any non-alphanumeric character makes it literal.
		if (!Character.isLetterOrDigit(c) && c < 0x80) {
			regex.append('\\');
		}
		regex.append(c);
	}

	private record Rule(Pattern regex, boolean negated) {
	}

}
