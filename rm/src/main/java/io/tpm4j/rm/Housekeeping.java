package io.tpm4j.rm;

import io.tpm4j.api.CommandExecutor;
import io.tpm4j.api.RetryPolicy;
import io.tpm4j.api.TpmResponseException;
import io.tpm4j.api.TpmTransport;
import io.tpm4j.api.commands.ContextLoad;
import io.tpm4j.api.commands.ContextSave;
import io.tpm4j.api.commands.FlushContext;
import io.tpm4j.api.commands.GetCapability;
import io.tpm4j.api.commands.Shutdown;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.ResponseCode;
import io.tpm4j.api.types.SavedContext;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmSu;

import java.util.List;
import java.util.function.Supplier;

/**
 * The commands the RM sends on its own behalf, built from api's command records and sent through whatever route
 * the caller gives (counted, making room, or straight to the backend). A TPM error is an ordinary answer here,
 * not an exception: swapping decides what each code means. Nothing is retried at this level.
 */
final class Housekeeping {

    private Housekeeping() {
    }

    /** The TPM's answer: its response code and, on success, what the response carried. */
    record Answer<T>(int rc, T value) {
        boolean ok() {
            return rc == 0;
        }

        ResponseCode code() {
            return new ResponseCode(rc);
        }
    }

    static Answer<SavedContext> contextSave(TpmTransport route, int handle) {
        return answer(() -> tpm(route).execute(new ContextSave(handle)).context());
    }

    /** The handle the context is loaded at. */
    static Answer<Integer> contextLoad(TpmTransport route, SavedContext context) {
        return answer(() -> tpm(route).execute(new ContextLoad(context)).loadedHandle());
    }

    static Answer<Void> flushContext(TpmTransport route, int handle) {
        return answer(() -> {
            tpm(route).execute(new FlushContext(handle));
            return null;
        });
    }

    /** Up to {@code max} handles from {@code first} on (TPM_CAP_HANDLES), in the TPM's order. */
    static Answer<List<Integer>> handles(TpmTransport route, int first, int max) {
        return answer(() -> ((CapabilityData.Handles) tpm(route).execute(new GetCapability(TpmCap.HANDLES, first,
                max)).data()).handles());
    }

    static Answer<Void> shutdownClear(TpmTransport route) {
        return answer(() -> {
            tpm(route).execute(new Shutdown(TpmSu.CLEAR));
            return null;
        });
    }

    /** api's engine over the route, without retries: the RM's loop decides what is sent again. */
    private static CommandExecutor tpm(TpmTransport route) {
        return new CommandExecutor(route, RetryPolicy.none());
    }

    private static <T> Answer<T> answer(Supplier<T> command) {
        try {
            return new Answer<>(0, command.get());
        } catch (TpmResponseException e) {
            return new Answer<>(e.responseCode().raw(), null);
        }
    }
}
