package ai.together.sandbox.internal.util;

import java.util.Objects;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;

/**
 * A value made on first use, once, by whichever thread asks first; later calls return it. What
 * a client is not asked for is then never made (an application's startup builds the client).
 * <p>
 * To leave the value's classes unloaded too, subclass it where it is used, as an anonymous class
 * overriding {@link #make()}: a lambda or method reference naming the value's type resolves that
 * type when it is created, which loads the class.
 *
 * @param <T> the type of the value
 */
public abstract class Lazy<T> implements Supplier<T> {

	private volatile @Nullable T value;

	/**
	 * Returns a value made by a factory on first use.
	 * @param <T> the type of the value
	 * @param factory makes the value; it must not return {@code null}
	 * @return the lazy value
	 */
	public static <T> Lazy<T> of(Supplier<? extends T> factory) {
		Objects.requireNonNull(factory, "factory");
		return new Lazy<>() {

			@Override
			protected T make() {
				return factory.get();
			}

		};
	}

	/**
	 * Makes the value; called once, on the first {@link #get()}.
	 * @return the value, never {@code null}
	 */
	protected abstract T make();

	/**
	 * Returns the value, making it on the first call.
	 * @return the value
	 */
	@Override
	public final T get() {
		T current = this.value;
		if (current != null) {
			return current;
		}
		synchronized (this) {
			current = this.value;
			if (current == null) {
				current = Objects.requireNonNull(make(), "the lazy value");
				this.value = current;
			}
			return current;
		}
	}

	/**
	 * Returns the value if it was made, without making it.
	 * @return the value, or {@code null} before the first {@link #get()}
	 */
	public final @Nullable T getIfMade() {
		return this.value;
	}

}
