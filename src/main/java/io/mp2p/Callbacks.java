package io.mp2p;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the application's code — listeners and the stages chained on {@code connectAsync}'s future —
 * away from the I/O thread, so that a slow, blocking or throwing callback cannot stall or kill the
 * protocol engine. The executor is the application's ({@link ChannelOptions.Builder#callbackExecutor})
 * or, by default, one daemon thread per channel, which keeps callbacks in the order events happened.
 */
final class Callbacks {
    private static final Logger LOG = LoggerFactory.getLogger(Callbacks.class);
    private final Executor executor;
    private final ExecutorService owned;

    Callbacks(Executor userExecutor, String threadName) {
        if (userExecutor != null) {
            this.executor = userExecutor;
            this.owned = null;
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                    new LinkedBlockingQueue<>(), r -> {
                        Thread t = new Thread(r, threadName);
                        t.setDaemon(true);
                        return t;
                    });
            this.executor = pool;
            this.owned = pool;
        }
    }

    /** Runs {@code callback} on the callback executor; what it throws is logged, never propagated. */
    void run(String what, Runnable callback) {
        Runnable guarded = () -> {
            try {
                callback.run();
            } catch (RuntimeException | Error e) {
                LOG.error("the application's {} threw; the channel carries on", what, e);
            }
        };
        try {
            executor.execute(guarded);
        } catch (RejectedExecutionException e) {
            // The application's executor is shut down or full: a callback must still happen, and
            // never on the I/O thread, so it gets a thread of its own.
            Thread t = new Thread(guarded, "mp2p-callback");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Completes {@code f} on the callback executor, so stages chained on it run there. */
    <T> void complete(CompletableFuture<T> f, T value, Throwable error) {
        run("future stage", () -> {
            if (error != null) {
                f.completeExceptionally(error);
            } else {
                f.complete(value);
            }
        });
    }

    /**
     * Stops the default executor: callbacks already queued still run, later ones get a thread of
     * their own. A user's executor is left alone. Never waits, so close() may be called from a callback.
     */
    void shutdown() {
        if (owned != null) {
            owned.shutdown();
        }
    }
}
