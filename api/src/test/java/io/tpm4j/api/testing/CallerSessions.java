package io.tpm4j.api.testing;

import io.tpm4j.api.Tpm;

import java.util.ArrayList;
import java.util.List;

/** The sessions a test may have left loaded: the TPM's, less those the facade keeps for its secret channel. */
public final class CallerSessions {

    private CallerSessions() {
    }

    public static List<Integer> loaded(Tpm tpm) {
        List<Integer> out = new ArrayList<>(tpm.loadedSessions());
        out.removeAll(tpm.secretChannelSessions());
        return out;
    }
}
