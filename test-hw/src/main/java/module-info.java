/** The hardware check and test suite ({@code ./tpm4j check}), run through the JUnit Platform launcher. */
module io.tpm4j.testhw {
    requires io.tpm4j.api;
    requires io.tpm4j.ffi;
    requires io.tpm4j.rm;
    requires io.tpm4j.jca;
    requires io.tpm4j.attest;
    requires org.slf4j;
    requires org.junit.jupiter.api;
    requires org.junit.platform.launcher;

    exports io.tpm4j.testhw;
    exports io.tpm4j.testhw.suite;
    // The launcher instantiates the suite's test classes and calls their package-private methods.
    opens io.tpm4j.testhw.suite to org.junit.platform.commons;
}
