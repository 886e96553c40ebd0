package io.tpm4j.jca;

import java.security.Provider;

/** The {@code tpm4j} JCA provider: TPM-backed keys through the JDK's own APIs. */
public final class Tpm4jProvider extends Provider {

    public static final String NAME = "tpm4j";

    public Tpm4jProvider() {
        super(NAME, "0.1", "tpm4j: TPM 2.0 keys through the JCA");
    }
}
