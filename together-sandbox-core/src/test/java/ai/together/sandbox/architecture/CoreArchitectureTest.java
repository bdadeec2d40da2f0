package ai.together.sandbox.architecture;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The package rules of the core module (main classes only): no package cycles, root package
 * included; the public API names no internal type; nothing below the root depends on it; the
 * model packages use no internal package but the {@code internal.util} leaf, which depends on
 * nothing else of the client; the client's classes in the root package (entry points and
 * namespaces) are made by the client only.
 */
@AnalyzeClasses(packages = CoreArchitectureTest.ROOT, importOptions = ImportOption.DoNotIncludeTests.class)
public class CoreArchitectureTest {

	static final String ROOT = "ai.together.sandbox";

	/**
	 * Every package is its own slice, the root package included (a {@code (**)} pattern would
	 * leave the root out), and no slice depends on itself through others.
	 */
	@ArchTest
	public static final ArchRule noPackageCycles = slices().assignedFrom(new EveryPackage())
		.should()
		.beFreeOfCycles();

	/**
	 * The public API stands on its own: no public or protected constructor, method or field of an
	 * exposed class outside {@code ..internal..}, and none of its super types, names an internal
	 * type (generic type arguments and throws clauses included).
	 */
	@ArchTest
	public static final ArchRule publicApiNamesNoInternalType = classes().that()
		.resideOutsideOfPackage("..internal..")
		.and(exposed())
		.should(new ExposeNoInternalType());

	/**
	 * The root package is the composition layer: it wires the internals, and nothing below it,
	 * neither the resource and model packages nor the internals, depends back on it.
	 */
	@ArchTest
	public static final ArchRule nothingBelowTheRootDependsOnIt = noClasses().that()
		.resideInAPackage(ROOT + "..")
		.and()
		.resideOutsideOfPackage(ROOT)
		.should()
		.dependOnClassesThat()
		.resideInAPackage(ROOT);

	/**
	 * The model and resource packages ({@code files}, {@code execs}, {@code snapshots}, …) hold
	 * models only: of the internals they use the {@code internal.util} leaf alone, so the root is
	 * the one layer that joins models and the internal transport.
	 */
	@ArchTest
	public static final ArchRule modelsUseNoInternalButTheUtilLeaf = noClasses().that()
		.resideInAPackage(ROOT + "..")
		.and()
		.resideOutsideOfPackages(ROOT, ROOT + ".internal..")
		.should()
		.dependOnClassesThat(DescribedPredicate.describe("are internal outside internal.util",
				(JavaClass type) -> isInternal(type) && !type.getPackageName().startsWith(ROOT + ".internal.util")));

	/**
	 * The top-level classes of the root package, the clients, the sandbox handles and every
	 * namespace, have no public or protected constructor: the client makes them, applications
	 * get them from it.
	 */
	@ArchTest
	public static final ArchRule rootClassesAreMadeByTheClientOnly = classes().that()
		.resideInAPackage(ROOT)
		.and()
		.areTopLevelClasses()
		.should(new HaveNoExposedConstructor());

	/** The leaf that models and internals share imports nothing else of the client. */
	@ArchTest
	public static final ArchRule utilIsALeaf = noClasses().that()
		.resideInAPackage("..internal.util..")
		.should()
		.dependOnClassesThat(DescribedPredicate.describe("are of the client outside internal.util",
				(JavaClass type) -> type.getPackageName().startsWith(ROOT)
						&& !type.getPackageName().startsWith(ROOT + ".internal.util")));

	private static DescribedPredicate<JavaClass> exposed() {
		return DescribedPredicate.describe("are public or protected",
				(JavaClass type) -> type.getModifiers().contains(JavaModifier.PUBLIC)
						|| type.getModifiers().contains(JavaModifier.PROTECTED));
	}

	private static boolean isInternal(JavaClass type) {
		return type.getPackageName().startsWith(ROOT + ".internal");
	}

	private static boolean isExposed(Set<JavaModifier> modifiers) {
		return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
	}

	/** Assigns every class of the client to the slice of its own package. */
	private static final class EveryPackage implements SliceAssignment {

		@Override
		public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
			String name = javaClass.getPackageName();
			return (name.equals(ROOT) || name.startsWith(ROOT + ".")) ? SliceIdentifier.of(name)
					: SliceIdentifier.ignore();
		}

		@Override
		public String getDescription() {
			return "every package of " + ROOT + " (the root included)";
		}

	}

	/** Fails a class with a public or protected constructor. */
	private static final class HaveNoExposedConstructor extends ArchCondition<JavaClass> {

		HaveNoExposedConstructor() {
			super("have no public or protected constructor");
		}

		@Override
		public void check(JavaClass type, ConditionEvents events) {
			type.getConstructors()
				.stream()
				.filter((constructor) -> isExposed(constructor.getModifiers()))
				.forEach((constructor) -> events.add(SimpleConditionEvent.violated(type,
						type.getName() + ": constructor " + constructor.getFullName() + " is " + constructor.getModifiers())));
		}

	}

	/** Fails a class whose exposed signatures or super types name an internal type. */
	private static final class ExposeNoInternalType extends ArchCondition<JavaClass> {

		ExposeNoInternalType() {
			super("name no ..internal.. type in a public or protected signature or a super type");
		}

		@Override
		public void check(JavaClass type, ConditionEvents events) {
			List<String> violations = new ArrayList<>();
			type.getSuperclass().ifPresent((superclass) -> collect(violations, "super class", superclass));
			type.getInterfaces().forEach((superInterface) -> collect(violations, "interface", superInterface));
			for (JavaCodeUnit unit : type.getCodeUnits()) {
				if (!isExposed(unit.getModifiers()) || unit.getModifiers().contains(JavaModifier.SYNTHETIC)) {
					continue;
				}
				String where = unit.isConstructor() ? "constructor " + unit.getFullName()
						: "method " + unit.getFullName();
				unit.getParameterTypes().forEach((parameter) -> collect(violations, where + " parameter", parameter));
				collect(violations, where + " return type", unit.getReturnType());
				unit.getThrowsClause().getTypes().forEach((thrown) -> collect(violations, where + " throws", thrown));
				unit.getTypeParameters().forEach((parameter) -> collect(violations, where + " type parameter", parameter));
			}
			for (JavaField field : type.getFields()) {
				if (isExposed(field.getModifiers())) {
					collect(violations, "field " + field.getFullName(), field.getType());
				}
			}
			for (String violation : violations) {
				events.add(SimpleConditionEvent.violated(type, type.getName() + ": " + violation));
			}
		}

		private static void collect(List<String> violations, String where, JavaType type) {
			Set<JavaClass> internal = type.getAllInvolvedRawTypes()
				.stream()
				.filter(CoreArchitectureTest::isInternal)
				.collect(Collectors.toSet());
			if (!internal.isEmpty()) {
				violations.add(where + " names " + internal.stream().map(JavaClass::getName).sorted().toList());
			}
		}

	}

}
