package ai.together.sandbox.sample;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Architecture rules of this module's production classes.
 */
@AnalyzeClasses(packages = "ai.together.sandbox.sample", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

	@ArchTest
	static final ArchRule usesNoInternalsOfTheSdk = noClasses().should()
		.dependOnClassesThat()
		.resideInAPackage("ai.together.sandbox.internal..")
		.because("only together-sandbox-core may use its internal packages");

}
