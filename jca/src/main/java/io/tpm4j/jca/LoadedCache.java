package io.tpm4j.jca;

import io.tpm4j.api.types.PublicArea;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * What a provider has made ready in the TPM (parents, keys), by identity: each is loaded once however many threads
 * ask for it at the same time, and loaded again only after {@link #invalidate} says the handle went stale.
 */
final class LoadedCache {

    /** A handle the provider uses, with the Name and public area it had when it was loaded. */
    record Loaded(int handle, byte[] name, PublicArea publicArea, boolean flushOnClose) {
    }

    private final Map<Object, CompletableFuture<Loaded>> entries = new ConcurrentHashMap<>();

    /** The entry for {@code id}, made with {@code loader} by the first caller; the others wait for it. */
    Loaded get(Object id, Supplier<Loaded> loader) {
        CompletableFuture<Loaded> existing = entries.get(id);
        if (existing == null) {
            CompletableFuture<Loaded> mine = new CompletableFuture<>();
            existing = entries.putIfAbsent(id, mine);
            if (existing == null) {
                try {
                    Loaded loaded = loader.get();
                    mine.complete(loaded);
                    return loaded;
                } catch (RuntimeException | Error e) {
                    entries.remove(id, mine);
                    mine.completeExceptionally(e);
                    throw e;
                }
            }
        }
        try {
            return existing.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Forgets {@code stale} under {@code id} (unless another thread has replaced it already). */
    void invalidate(Object id, Loaded stale) {
        CompletableFuture<Loaded> current = entries.get(id);
        if (current != null && current.isDone() && !current.isCompletedExceptionally() && current.join() == stale) {
            entries.remove(id, current);
        }
    }

    /** Everything loaded, forgotten: what the caller must flush. */
    List<Loaded> drain() {
        List<Loaded> out = entries.values().stream().filter(f -> f.isDone() && !f.isCompletedExceptionally())
                .map(CompletableFuture::join).toList();
        entries.clear();
        return out;
    }
}
