/** TPM 2.0 types, marshalling, typed commands, the {@code Tpm} facade and transports. */
module io.tpm4j.api {
    requires org.slf4j;

    exports io.tpm4j.api;
    exports io.tpm4j.api.types;
    exports io.tpm4j.api.wire;
    exports io.tpm4j.api.commands;
    exports io.tpm4j.api.transport;
    exports io.tpm4j.api.session;
    exports io.tpm4j.api.crypto;
    exports io.tpm4j.api.policy;
    exports io.tpm4j.api.keys;
    exports io.tpm4j.api.files;
}
