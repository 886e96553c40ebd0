package io.tpm4j.api.testing;

import io.tpm4j.api.commands.TpmCommand;
import io.tpm4j.api.session.Authorization;
import io.tpm4j.api.types.PublicArea;
import io.tpm4j.api.types.Templates;
import io.tpm4j.api.types.TpmCc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Every command record of {@code io.tpm4j.api.commands}, found by listing the package, and a placeholder
 * instance of each (zeros, empty values, first constants) — enough to ask its code or parse a response.
 */
public final class CommandRecords {

    private static final String PACKAGE = "io/tpm4j/api/commands/";

    private CommandRecords() {
    }

    /** Each command record by the code it sends, in command-code order. */
    public static Map<TpmCc, TpmCommand<?>> byCode() {
        Map<TpmCc, TpmCommand<?>> out = new LinkedHashMap<>();
        classes().stream().map(CommandRecords::placeholder).sorted(Comparator.comparingInt(c -> c.code().value()))
                .forEach(command -> {
                    TpmCommand<?> earlier = out.put(command.code(), command);
                    if (earlier != null) {
                        throw new AssertionError(earlier.getClass() + " and " + command.getClass() + " both send "
                                + command.code());
                    }
                });
        return out;
    }

    /** The record classes that implement {@link TpmCommand}. */
    public static List<Class<?>> classes() {
        List<Class<?>> out = new ArrayList<>();
        for (String name : classNames()) {
            try {
                Class<?> type = Class.forName(name);
                if (type.isRecord() && TpmCommand.class.isAssignableFrom(type)) {
                    out.add(type);
                }
            } catch (ClassNotFoundException e) {
                throw new AssertionError(e);
            }
        }
        return out;
    }

    private static List<String> classNames() {
        try {
            Path location = Path.of(TpmCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Stream<String> entries;
            if (Files.isDirectory(location)) {
                try (Stream<Path> files = Files.list(location.resolve(PACKAGE))) {
                    entries = files.map(f -> PACKAGE + f.getFileName()).toList().stream();
                }
            } else {
                try (JarFile jar = new JarFile(location.toFile())) {
                    entries = jar.stream().map(e -> e.getName()).toList().stream();
                }
            }
            return entries.filter(n -> n.startsWith(PACKAGE) && n.endsWith(".class") && !n.contains("$")
                            && n.indexOf('/', PACKAGE.length()) < 0)
                    .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.')).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    /** An instance of {@code record} built from placeholder values. */
    public static TpmCommand<?> placeholder(Class<?> record) {
        return (TpmCommand<?>) instance(record);
    }

    /** Empty lists first; a record that needs some elements (PolicyOR's branches) gets two of each. */
    private static Object instance(Class<?> record) {
        try {
            return instance(record, 0);
        } catch (AssertionError e) {
            return instance(record, 2);
        }
    }

    private static Object instance(Class<?> record, int listSize) {
        RecordComponent[] components = record.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = types[i] == List.class ? list(components[i].getGenericType(), listSize) : value(types[i]);
        }
        try {
            Constructor<?> constructor = record.getDeclaredConstructor(types);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            throw new AssertionError("cannot build a placeholder " + record.getSimpleName(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot build a placeholder " + record.getSimpleName(), e);
        }
    }

    private static List<Object> list(Type generic, int size) {
        Type element = ((ParameterizedType) generic).getActualTypeArguments()[0];
        Class<?> elementClass = element instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) element;
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            out.add(elementClass == byte[].class ? new byte[32] : value(elementClass));
        }
        return out;
    }

    private static Object value(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return 0;
        } else if (type == long.class) {
            return 0L;
        } else if (type == boolean.class) {
            return false;
        } else if (type == byte[].class) {
            return new byte[0];
        } else if (type == List.class) {
            return List.of();
        } else if (type == Optional.class) {
            return Optional.empty();
        } else if (type == BitSet.class) {
            return new BitSet();
        } else if (type == Authorization.class) {
            return Authorization.emptyPassword();
        } else if (type == PublicArea.class) {
            return Templates.eccSigningKey();
        } else if (type.isEnum()) {
            return type.getEnumConstants()[0];
        } else if (type.isRecord()) {
            return instance(type);
        } else if (type.isSealed()) {
            return value(type.getPermittedSubclasses()[0]);
        }
        throw new AssertionError("no placeholder for " + type.getName());
    }
}
