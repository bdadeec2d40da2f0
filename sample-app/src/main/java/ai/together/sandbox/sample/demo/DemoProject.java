package ai.together.sandbox.sample.demo;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The small project the demo writes into a sandbox and runs: files (by name, inside the working
 * directory), the command that runs there, and the file it writes its result to.
 *
 * @param files the files to write, by name relative to the working directory, in order
 * @param command the command to run in the working directory
 * @param args the command's arguments
 * @param resultFile the name of the file the command writes, read back afterwards
 * @author together-sandbox-java
 * @since 0.1.0
 */
public record DemoProject(Map<String, String> files, String command, List<String> args, String resultFile) {

	/** The text whose words the default project counts. */
	static final String WORDS = """
			Together Sandbox runs your code
			in fresh microVMs
			created started and shut down from Java
			""";

	/** The script of the default project: prints per line, slowly enough to watch it stream. */
	static final String COUNT_SCRIPT = """
			#!/bin/sh
			# Counts the words of words.txt line by line, then writes the totals to result.txt.
			set -eu
			lines=0
			total=0
			while IFS= read -r line; do
			  lines=$((lines + 1))
			  words=$(printf '%s\\n' "$line" | wc -w | tr -d ' ')
			  total=$((total + words))
			  echo "line $lines: $words words"
			  sleep 0.2
			done < words.txt
			echo "counted $total words in $lines lines" >&2
			printf 'lines=%s\\nwords=%s\\n' "$lines" "$total" > result.txt
			echo "wrote result.txt"
			""";

	/**
	 * Copies the files into an ordered, unmodifiable map.
	 */
	public DemoProject {
		files = Collections.unmodifiableMap(new LinkedHashMap<>(files));
		args = List.copyOf(args);
	}

	/**
	 * The default project: {@code words.txt} and {@code count.sh}, run with {@code sh count.sh};
	 * it writes {@code result.txt} with {@code lines=3} and {@code words=15}.
	 * @return the project
	 */
	public static DemoProject wordCount() {
		Map<String, String> files = new LinkedHashMap<>();
		files.put("words.txt", WORDS);
		files.put("count.sh", COUNT_SCRIPT);
		return new DemoProject(files, "sh", List.of("count.sh"), "result.txt");
	}

}
