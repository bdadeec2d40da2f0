package ai.together.sandbox.ai;

import ai.together.sandbox.testing.ArchitectureRules;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Architecture rules of this module's production classes.
 */
@AnalyzeClasses(packages = "ai.together.sandbox.ai", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTests {

	@ArchTest
	static final ArchRule usesNoCoreInternals = ArchitectureRules.USES_NO_CORE_INTERNALS;

}
