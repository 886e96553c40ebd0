package io.tpm4j.ffi;

import io.tpm4j.api.TpmDeviceRemovedException;
import io.tpm4j.api.TpmException;
import io.tpm4j.api.TpmTransportException;

/**
 * The one place where an errno from a system call becomes an exception, with the syscall, the errno name,
 * the device, and what to do about it. The kernel behaviour behind each case is in
 * drivers/char/tpm/tpm-dev-common.c, tpm-dev.c and tpm-chip.c.
 */
final class NativeFailures {

    private NativeFailures() {
    }

    static TpmException of(String device, String syscall, int errno) {
        Errno e = Errno.of(errno);
        String name = Errno.nameOf(errno);
        if (e != null && isRemoval(syscall, e)) {
            return new TpmDeviceRemovedException(device, syscall + " failed with " + name
                    + ": the TPM is gone (chip removed, driver unbound or emulator exited); open it again once it is back",
                    null);
        }
        return new TpmTransportException(device, syscall, name, advice(device, syscall, e), null);
    }

    /** A socket call's failure; on a socket, EPIPE or ECONNRESET means only that the peer went away. */
    static TpmTransportException ofSocket(String address, String syscall, int errno) {
        Errno e = Errno.of(errno);
        String advice = switch (e == null ? Errno.EINVAL : e) {
            case EADDRINUSE -> "the address is in use: another server listens there (or a TCP port is in TIME_WAIT)";
            case EACCES, EPERM -> "permission denied: the socket's directory (or a port below 1024) is not open to this user";
            case ENOENT -> "no such socket (is the server or simulator running?), or its directory does not exist";
            case ECONNREFUSED -> "nobody accepts connections there (is the server or simulator running?)";
            case EADDRNOTAVAIL -> "no local interface has that address";
            case EPIPE, ECONNRESET -> "the peer closed the connection";
            case EMFILE, ENFILE -> "too many open files: close some, or raise the limit";
            default -> e == null ? "unexpected error" : e.description();
        };
        return new TpmTransportException(address, syscall, Errno.nameOf(errno), advice, null);
    }

    /** EPIPE/EIO/ENXIO/ENODEV (and ECANCELED/ECONNRESET on I/O) are how a removed chip answers user space. */
    private static boolean isRemoval(String syscall, Errno e) {
        return switch (e) {
            case ENXIO, ENODEV -> true;
            case EPIPE, EIO, ECANCELED, ECONNRESET -> syscall.equals("write") || syscall.equals("read");
            default -> false;
        };
    }

    private static String advice(String device, String syscall, Errno e) {
        if (e == null) {
            return "unexpected error";
        }
        return switch (syscall) {
            case "open" -> switch (e) {
                case ENOENT -> device.endsWith("vtpmx")
                        ? "no vTPM proxy control device: load the tpm_vtpm_proxy module (modprobe tpm_vtpm_proxy)"
                        : "no such device: this machine has no TPM at that path, or its driver is not loaded "
                        + "(see /sys/class/tpm; modprobe tpm_tis or tpm_crb)";
                case EACCES, EPERM -> "permission denied: add the user to the 'tss' group (the usual udev rule "
                        + "gives it /dev/tpmrm0), or adjust the device's permissions";
                case EBUSY -> "the device is exclusive and another process holds it open (tpm2-abrmd or another "
                        + "stack?); use /dev/tpmrm0, the kernel's resource manager, which any number of processes can share";
                case EISDIR -> "that path is a directory, not a TPM device";
                case ENOTDIR -> "a component of the path is not a directory";
                case EMFILE, ENFILE -> "too many open files: close some, or raise the limit";
                default -> e.description();
            };
            // With O_NONBLOCK the kernel reports a command's failure from read() instead of write().
            case "write", "read" -> switch (e) {
                case EBUSY -> "a response to an earlier command is still unread on this file descriptor; "
                        + "is another user sharing it?";
                case EINVAL -> "the kernel refused the command: malformed, or it names a handle that does not "
                        + "exist in this /dev/tpmrm space";
                case E2BIG -> "the command is larger than the kernel's 4096-byte TPM buffer";
                case ENOMEM -> "the kernel resource manager has no free slot for this space "
                        + "(3 objects, 3 sessions): flush what you no longer need";
                case ETIME -> "the TPM did not answer within the kernel's timeout for this command";
                // tpm2-space.c also answers EFAULT when /dev/tpmrmN cannot save or load a context around the command.
                case EFAULT -> "the kernel could not complete the command: a malformed response from the chip, or on "
                        + "/dev/tpmrmN its resource manager failed to save or load a context (TPM_RC_CONTEXT_GAP is one "
                        + "cause; the kernel log says which)";
                default -> e.description();
            };
            case "ioctl" -> switch (e) {
                case ENOTTY -> "the device does not take this ioctl (not /dev/vtpmx?)";
                case EPERM -> "creating a vTPM proxy device needs CAP_SYS_ADMIN (run as root)";
                case EOPNOTSUPP -> "the kernel does not support the requested vTPM proxy flags";
                default -> e.description();
            };
            default -> e.description();
        };
    }
}
