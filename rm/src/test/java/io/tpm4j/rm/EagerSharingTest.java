package io.tpm4j.rm;

/** The same twenty spaces with the kernel's policy: everything saved after every command. */
class EagerSharingTest extends SharingTest {

    @Override
    ResourceManager.Options options() {
        return ResourceManager.Options.kernelLike();
    }
}
