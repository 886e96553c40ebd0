package io.tpm4j.testhw;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** What a hardware test needs beyond reading; it is skipped, with the reason, unless every item is permitted. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@ExtendWith(PermissionCondition.class)
public @interface Needs {
    Permission[] value();
}
