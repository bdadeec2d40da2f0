package ai.together.sandbox.benchmarks.harness;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import org.jspecify.annotations.Nullable;

/**
 * Watches the heap while a measured operation runs: the used heap sampled at a fixed period
 * (garbage included, an upper bound), the used heap right before and right after each garbage
 * collection (reported by GC notifications; after a collection it is close to the live data),
 * and the direct memory held by Netty's default allocator.
 *
 * @author together-sandbox-java
 * @since 0.1.0
 */
public final class HeapMeter implements AutoCloseable {

	private static final Set<String> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans()
		.stream()
		.filter((pool) -> pool.getType() == MemoryType.HEAP)
		.map(MemoryPoolMXBean::getName)
		.collect(Collectors.toUnmodifiableSet());

	private final AtomicLong peakSampled = new AtomicLong();

	private final AtomicLong peakBeforeGc = new AtomicLong();

	private final AtomicLong peakAfterGc = new AtomicLong();

	private final AtomicLong peakDirect = new AtomicLong();

	private final AtomicInteger collections = new AtomicInteger();

	private final List<Runnable> unregister = new ArrayList<>();

	private final @Nullable Thread sampler;

	private volatile boolean running = true;

	private HeapMeter(@Nullable Duration period) {
		NotificationListener listener = this::onNotification;
		for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
			if (collector instanceof NotificationEmitter emitter) {
				emitter.addNotificationListener(listener, null, null);
				this.unregister.add(() -> {
					try {
						emitter.removeNotificationListener(listener);
					}
					catch (javax.management.ListenerNotFoundException ex) {
						throw new IllegalStateException(ex);
					}
				});
			}
		}
		sample();
		if (period != null) {
			long nanos = period.toNanos();
			this.sampler = new Thread(() -> {
				while (this.running) {
					sample();
					java.util.concurrent.locks.LockSupport.parkNanos(nanos);
				}
			}, "heap-meter");
			this.sampler.setDaemon(true);
			this.sampler.start();
		}
		else {
			this.sampler = null;
		}
	}

	/**
	 * Starts watching.
	 * @param period how often to sample the used heap, or {@code null} to rely on GC notifications only
	 * @return the meter; {@link #close()} stops it
	 */
	public static HeapMeter start(@Nullable Duration period) {
		return new HeapMeter(period);
	}

	/**
	 * Collects garbage until the used heap stops shrinking (at most three collections) and returns
	 * it: the live data, close enough for before/after comparisons.
	 * @return the used heap in bytes
	 */
	public static long usedAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			long now = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
			if (now >= used - 256 * 1024) {
				return Math.min(now, used);
			}
			used = now;
		}
		return used;
	}

	/**
	 * Returns the used heap now, garbage included.
	 * @return bytes
	 */
	public static long usedNow() {
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

	/**
	 * Returns the direct memory held by Netty's default allocator now ({@code -1} when it does
	 * not report it).
	 * @return bytes
	 */
	public static long nettyDirectNow() {
		if (ByteBufAllocator.DEFAULT instanceof ByteBufAllocatorMetricProvider provider) {
			return provider.metric().usedDirectMemory();
		}
		return -1;
	}

	/**
	 * Returns the largest used heap sampled (garbage included).
	 * @return bytes
	 */
	public long peakSampled() {
		return this.peakSampled.get();
	}

	/**
	 * Returns the largest used heap seen right before a collection (garbage included).
	 * @return bytes, 0 when no collection happened
	 */
	public long peakBeforeGc() {
		return this.peakBeforeGc.get();
	}

	/**
	 * Returns the largest used heap seen right after a collection (close to the live data).
	 * @return bytes, 0 when no collection happened
	 */
	public long peakAfterGc() {
		return this.peakAfterGc.get();
	}

	/**
	 * Returns the largest of the sampled and before-collection figures: the peak used heap.
	 * @return bytes
	 */
	public long peakUsed() {
		return Math.max(this.peakSampled.get(), this.peakBeforeGc.get());
	}

	/**
	 * Returns the largest Netty direct memory sampled.
	 * @return bytes, or a negative value when the allocator does not report it
	 */
	public long peakDirect() {
		return this.peakDirect.get();
	}

	/**
	 * Returns how many collections happened while watching.
	 * @return the count
	 */
	public int collections() {
		return this.collections.get();
	}

	/**
	 * Stops watching (the figures stay readable).
	 */
	@Override
	public void close() {
		if (!this.running) {
			return;
		}
		this.running = false;
		if (this.sampler != null) {
			try {
				this.sampler.join(1000);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		sample();
		this.unregister.forEach(Runnable::run);
	}

	private void sample() {
		this.peakSampled.accumulateAndGet(usedNow(), Math::max);
		this.peakDirect.accumulateAndGet(nettyDirectNow(), Math::max);
	}

	private void onNotification(Notification notification, @Nullable Object handback) {
		if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
			return;
		}
		GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo
			.from((CompositeData) notification.getUserData());
		this.collections.incrementAndGet();
		this.peakBeforeGc.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageBeforeGc()), Math::max);
		this.peakAfterGc.accumulateAndGet(heapUsed(info.getGcInfo().getMemoryUsageAfterGc()), Math::max);
	}

	private static long heapUsed(Map<String, MemoryUsage> pools) {
		long used = 0;
		for (Map.Entry<String, MemoryUsage> pool : pools.entrySet()) {
			if (HEAP_POOLS.contains(pool.getKey())) {
				used += pool.getValue().getUsed();
			}
		}
		return used;
	}

}
