package io.tpm4j.api;

/**
 * Every failure tpm4j reports, split by layer: what the TPM answered ({@link TpmResponseException}),
 * what the way to it did ({@link TpmTransportException}, {@link TpmDeviceRemovedException}), and bytes
 * that do not parse ({@link TpmProtocolException}), and responses whose session HMAC does not verify
 * ({@link TpmIntegrityException}).
 */
public abstract sealed class TpmException extends RuntimeException
        permits TpmResponseException, TpmTransportException, TpmDeviceRemovedException, TpmProtocolException,
        TpmIntegrityException {

    protected TpmException(String message, Throwable cause) {
        super(message, cause);
    }
}
