package io.tpm4j.api.commands;

import io.tpm4j.api.TpmProtocolException;
import io.tpm4j.api.types.CapabilityData;
import io.tpm4j.api.types.TpmCap;
import io.tpm4j.api.types.TpmCc;
import io.tpm4j.api.wire.TpmReader;

import java.util.Objects;

import static io.tpm4j.api.commands.Parameter.u32;

/**
 * TPM2_GetCapability (Part 3, section 30.2): up to {@code propertyCount} values of one capability group,
 * starting at {@code property}; {@code moreData} says whether more follow.
 */
public record GetCapability(TpmCap capability, int property, int propertyCount)
        implements TpmCommand<GetCapability.Response> {

    public GetCapability {
        Objects.requireNonNull(capability, "capability");
    }

    public record Response(boolean moreData, CapabilityData data) {
    }

    @Override
    public CommandLayout layout() {
        return CommandLayout.of(TpmCc.GET_CAPABILITY)
                .parameters(u32(capability.value()), u32(property), u32(propertyCount));
    }

    @Override
    public Response readResponse(int responseHandle, TpmReader in) {
        boolean more = in.bool("moreData");
        int at = in.position();
        CapabilityData data = CapabilityData.read(in);
        if (data.capability() != capability) {
            throw new TpmProtocolException("asked for TPM_CAP_" + capability + " but the TPM answered TPM_CAP_"
                    + data.capability(), at);
        }
        return new Response(more, data);
    }
}
