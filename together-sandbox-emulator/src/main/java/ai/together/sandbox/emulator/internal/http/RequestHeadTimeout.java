package ai.together.sandbox.emulator.internal.http;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import org.jspecify.annotations.Nullable;

/**
 * Closes a connection whose request line and headers do not arrive in full within a time limit,
 * counted from the first byte of the request: a client that trickles a header byte at a time keeps
 * the idle timeout from firing, this one it cannot. Once the head is decoded the limit no longer
 * applies, so bodies, uploads and event streams are not affected; it starts again with the first
 * byte of the next request on a keep-alive connection.
 */
public final class RequestHeadTimeout {

	private final Duration timeout;

	private boolean awaitingHead = true;

	private @Nullable ScheduledFuture<?> timer;

	private RequestHeadTimeout(Duration timeout) {
		this.timeout = timeout;
	}

	/**
	 * Installs the timeout around the HTTP codec of a connection's pipeline.
	 * @param pipeline the pipeline
	 * @param codecName the name of the HTTP codec handler
	 * @param timeout the time to receive a whole request head
	 */
	public static void install(ChannelPipeline pipeline, String codecName, Duration timeout) {
		RequestHeadTimeout state = new RequestHeadTimeout(timeout);
		pipeline.addBefore(codecName, "emulator.requestHeadTimeout.bytes", state.new Bytes());
		pipeline.addAfter(codecName, "emulator.requestHeadTimeout.heads", state.new Heads());
	}

	private void bytesArrived(ChannelHandlerContext ctx) {
		if (this.awaitingHead && this.timer == null) {
			this.timer = ctx.executor().schedule(() -> {
				if (this.awaitingHead && ctx.channel().isActive()) {
					ctx.channel().close();
				}
			}, this.timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
	}

	private void headDecoded() {
		this.awaitingHead = false;
		cancel();
	}

	private void responseEnded() {
		this.awaitingHead = true;
	}

	private void cancel() {
		if (this.timer != null) {
			this.timer.cancel(false);
			this.timer = null;
		}
	}

	/** Before the codec: notices the raw bytes of a request that has not been decoded yet. */
	private final class Bytes extends ChannelInboundHandlerAdapter {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			if (msg instanceof ByteBuf buffer && buffer.isReadable()) {
				bytesArrived(ctx);
			}
			super.channelRead(ctx, msg);
		}

		@Override
		public void channelInactive(ChannelHandlerContext ctx) throws Exception {
			cancel();
			super.channelInactive(ctx);
		}

	}

	/** After the codec: a decoded head stops the clock, the end of its response rearms it. */
	private final class Heads extends ChannelDuplexHandler {

		@Override
		public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
			if (msg instanceof HttpRequest) {
				headDecoded();
			}
			super.channelRead(ctx, msg);
		}

		@Override
		public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
			if (msg instanceof LastHttpContent) {
				responseEnded();
			}
			super.write(ctx, msg, promise);
		}

	}

}
