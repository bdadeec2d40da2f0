package ai.together.sandbox.testing;

import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Architecture rules that every module built on the core checks for its own production classes,
 * with {@code @ArchTest static final ArchRule usesNoCoreInternals = ArchitectureRules.USES_NO_CORE_INTERNALS;}
 * in a class annotated {@code @AnalyzeClasses(packages = "<the module's package>",
 * importOptions = ImportOption.DoNotIncludeTests.class)}.
 */
public final class ArchitectureRules {

	/** No class depends on the core's internal packages: they may change without notice. */
	public static final ArchRule USES_NO_CORE_INTERNALS = noClasses().should()
		.dependOnClassesThat()
		.resideInAPackage("ai.together.sandbox.internal..")
		.because("only together-sandbox-core may use its internal packages");

	private ArchitectureRules() {
	}

}
