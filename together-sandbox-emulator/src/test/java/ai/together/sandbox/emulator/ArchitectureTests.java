package ai.together.sandbox.emulator;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Architecture rules of the emulator's production classes: it depends on no class of the SDK.
 */
@AnalyzeClasses(packages = "ai.together.sandbox.emulator", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

	@ArchTest
	static final ArchRule usesNothingOfTheSdk = noClasses().should()
		.dependOnClassesThat(resideInAPackage("ai.together.sandbox..")
			.and(resideOutsideOfPackage("ai.together.sandbox.emulator..")))
		.because("the emulator speaks the API over HTTP and must not share code with the client it stands in for");

}
