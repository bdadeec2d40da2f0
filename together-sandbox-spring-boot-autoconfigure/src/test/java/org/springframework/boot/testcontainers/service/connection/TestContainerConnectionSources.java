package org.springframework.boot.testcontainers.service.connection;

import java.util.List;
import java.util.function.Supplier;

import org.testcontainers.containers.Container;

import org.springframework.boot.origin.Origin;
import org.springframework.core.annotation.MergedAnnotations;

/**
 * Creates {@link ContainerConnectionSource}s, whose constructor Spring Boot keeps package-private,
 * so that a {@code ContainerConnectionDetailsFactory} can be unit-tested without Docker.
 */
public final class TestContainerConnectionSources {

	private TestContainerConnectionSources() {
	}

	/**
	 * Creates a source.
	 * @param <C> the container type
	 * @param type the container type
	 * @param imageName the container's image name
	 * @param annotation the {@code @ServiceConnection} annotation of the container
	 * @param container supplies the container
	 * @return the source
	 */
	public static <C extends Container<?>> ContainerConnectionSource<C> create(Class<C> type, String imageName,
			ServiceConnection annotation, Supplier<C> container) {
		return new ContainerConnectionSource<>("test", new Origin() {
		}, type, imageName, annotation, container, null, MergedAnnotations.of(List.of()));
	}

}
