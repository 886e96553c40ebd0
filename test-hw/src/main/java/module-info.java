/** The hardware check ({@code ./tpm4j check}) and, in its tests, the hardware test suite. */
module io.tpm4j.testhw {
    requires io.tpm4j.api;
    requires io.tpm4j.ffi;
    requires org.slf4j;

    exports io.tpm4j.testhw;
}
