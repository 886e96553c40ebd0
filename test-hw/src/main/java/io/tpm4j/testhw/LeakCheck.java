package io.tpm4j.testhw;

import io.tpm4j.api.Tpm;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Fails a hardware test that leaves transient objects or loaded sessions behind: what the client sees loaded
 * after the test must be what it saw before. Every suite class carries it.
 */
public final class LeakCheck implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(LeakCheck.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put("loaded", loaded(SuiteContext.current().tpm()));
    }

    @Override
    public void afterEach(ExtensionContext context) {
        @SuppressWarnings("unchecked")
        List<Integer> before = (List<Integer>) context.getStore(NAMESPACE).get("loaded");
        List<Integer> after = loaded(SuiteContext.current().tpm());
        List<Integer> left = new ArrayList<>(after);
        left.removeAll(before);
        if (!left.isEmpty()) {
            throw new AssertionError("the test left handles loaded: " + left.stream()
                    .map(h -> String.format("0x%08x", h)).toList());
        }
    }

    /** Transient objects and loaded sessions, as this client sees them, less the facade's own secret channel. */
    public static List<Integer> loaded(Tpm tpm) {
        List<Integer> handles = new ArrayList<>(tpm.handles(io.tpm4j.api.types.TpmHt.TRANSIENT));
        handles.addAll(tpm.loadedSessions());
        handles.removeAll(tpm.secretChannelSessions());
        return handles;
    }
}
