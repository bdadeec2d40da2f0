package ai.together.sandbox.sample.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Every module the build publishes is listed in {@code together-sandbox-bom}, and ships its
 * sources and Javadoc next to its jar, so that applications can import one BOM and IDEs show the
 * docs. (The sample app and the benchmarks are not published: they skip deployment.)
 */
class PublishedArtifactsTests {

	private static final Path PROJECT = Path.of("..").toAbsolutePath().normalize();

	@Test
	void theBomListsEveryPublishedModuleAtTheProjectVersion() throws Exception {
		Element bom = pom(PROJECT.resolve("together-sandbox-bom/pom.xml"));
		List<String> managed = new ArrayList<>();
		NodeList dependencies = bom.getElementsByTagName("dependency");
		for (int i = 0; i < dependencies.getLength(); i++) {
			Element dependency = (Element) dependencies.item(i);
			assertThat(text(dependency, "groupId")).isEqualTo("ai.together.sandbox");
			assertThat(text(dependency, "version")).isEqualTo("${project.version}");
			managed.add(text(dependency, "artifactId"));
		}
		assertThat(managed).containsExactlyInAnyOrderElementsOf(publishedModules());
		assertThat(text(bom, "version")).isEqualTo(text(pom(PROJECT.resolve("pom.xml")), "version"));
	}

	@Test
	void everyPublishedModuleWithCodeShipsSourcesAndJavadoc() throws Exception {
		for (String module : publishedModules()) {
			Path directory = PROJECT.resolve(module);
			if (!Files.isDirectory(directory.resolve("src/main/java"))) {
				continue;
			}
			Path jar = directory.resolve("target/" + module + "-" + version() + ".jar");
			// The whole build packages every module before this one's tests run; a build of this
			// module alone may not have.
			assumeThat(jar).as("built by this build").exists();
			assertThat(directory.resolve("target/" + module + "-" + version() + "-sources.jar")).isNotEmptyFile();
			assertThat(directory.resolve("target/" + module + "-" + version() + "-javadoc.jar")).isNotEmptyFile();
		}
	}

	/** The modules of the build that are deployed (those that do not set maven.deploy.skip). */
	private static List<String> publishedModules() throws Exception {
		List<String> published = new ArrayList<>();
		NodeList modules = pom(PROJECT.resolve("pom.xml")).getElementsByTagName("module");
		for (int i = 0; i < modules.getLength(); i++) {
			String module = modules.item(i).getTextContent().trim();
			String pom = Files.readString(PROJECT.resolve(module).resolve("pom.xml"));
			if (!module.endsWith("-bom") && !pom.contains("<maven.deploy.skip>true</maven.deploy.skip>")) {
				published.add(module);
			}
		}
		assertThat(published).isNotEmpty();
		return published;
	}

	private static String version() throws Exception {
		return text(pom(PROJECT.resolve("pom.xml")), "version");
	}

	private static Element pom(Path file) throws IOException {
		try {
			Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(file.toFile());
			return document.getDocumentElement();
		}
		catch (Exception ex) {
			throw new IOException("Cannot read " + file, ex);
		}
	}

	/** The text of the first direct child element with the given name. */
	private static String text(Element element, String name) {
		NodeList children = element.getChildNodes();
		for (int i = 0; i < children.getLength(); i++) {
			if (children.item(i) instanceof Element child && child.getTagName().equals(name)) {
				return child.getTextContent().trim();
			}
		}
		throw new AssertionError("<" + name + "> missing in <" + element.getTagName() + ">");
	}

}
