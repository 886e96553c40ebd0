package io.tpm4j.ffi;

import io.tpm4j.api.TpmTransportException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * A fresh directory (mode 0700) beside a socket's final name, held open and reached only through its descriptor
 * ({@code /proc/self/fd/N}), never again through its name. In a directory others may write to, another user can
 * rename the private directory and put a link or a directory of their own under its name; everything done
 * through the descriptor still happens in the directory this process created, where nobody else can create,
 * remove or replace an entry. So a chmod or chown of an entry in it can never be redirected to another file.
 */
final class PrivateDirectory implements AutoCloseable {

    private final Path name;
    private final int fd;
    private final Path through;

    private PrivateDirectory(Path name, int fd) {
        this.name = name;
        this.fd = fd;
        this.through = Path.of("/proc/self/fd/" + fd);
    }

    /**
     * Creates the directory in {@code parent} and opens it; refuses one that is not a directory this process's
     * user owns and alone may write to (someone swapped it in between creation and opening).
     */
    static PrivateDirectory create(Path parent, String address) {
        Path name;
        try {
            name = Files.createTempDirectory(parent, ".tpm4j-");   // mode 0700, a name nobody can predict
        } catch (NoSuchFileException e) {
            throw NativeFailures.ofSocket(address, "mkdir", Errno.ENOENT.number());
        } catch (AccessDeniedException e) {
            throw NativeFailures.ofSocket(address, "mkdir", Errno.EACCES.number());
        } catch (IOException e) {
            throw new TpmTransportException(address, "mkdir", null, "cannot create a private directory beside the socket: " + e, e);
        }
        int fd;
        try (Arena call = Arena.ofConfined()) {
            MemorySegment state = LibC.callState(call);
            fd = LibC.open(state, call.allocateFrom(name.toString()),
                    LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_NOFOLLOW | LibC.O_CLOEXEC, 0);
            if (fd < 0) {
                int errno = LibC.errno(state);
                deleteQuietly(name);
                throw new TpmTransportException(address, "open", Errno.nameOf(errno), "the private directory " + name
                        + " was replaced before it could be opened: is the socket's directory open to other users?", null);
            }
        }
        PrivateDirectory directory = new PrivateDirectory(name, fd);
        try {
            Map<String, Object> seen = Files.readAttributes(directory.through, "unix:uid,mode");
            int mode = (Integer) seen.get("mode");
            if ((Integer) seen.get("uid") != LibC.geteuid() || (mode & 0xF000) != 0x4000 || (mode & 0077) != 0) {
                throw new TpmTransportException(address, "open", null, "the private directory " + name
                        + " was replaced by one this process does not own alone: is the socket's directory open to "
                        + "other users?", null);
            }
        } catch (IOException | RuntimeException e) {
            directory.close();
            throw e instanceof TpmTransportException t ? t
                    : new TpmTransportException(address, "stat", null, "cannot check the private directory: " + e, e);
        }
        return directory;
    }

    /** {@code entry} inside the directory, by a path that resolves through the descriptor. */
    Path resolve(String entry) {
        return through.resolve(entry);
    }

    /** Removes what is left in it, then the directory itself (by name: at worst someone else's link or empty directory). */
    @Override
    public void close() {
        try (var entries = Files.newDirectoryStream(through)) {
            for (Path entry : entries) {
                deleteQuietly(entry);
            }
        } catch (IOException | RuntimeException ignored) {
            // Nothing more to do: the directory is going away.
        }
        Descriptors.close(fd);
        deleteQuietly(name);
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // Another user's replacement, or not empty: left as it is.
        }
    }
}
