package io.kvframework.processor;

import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import io.kvframework.annotations.Column;
import io.kvframework.annotations.Index;
import io.kvframework.annotations.Indexed;
import io.kvframework.annotations.Json;
import io.kvframework.annotations.Key;
import io.kvframework.annotations.KvEntity;
import io.kvframework.annotations.Version;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.annotation.processing.SupportedAnnotationTypes;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.PackageElement;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.tools.Diagnostic;

/**
 * Generates, for each record annotated {@link KvEntity}, a {@code <Name>Table} class (typed column
 * constants and the {@code EntityModel}) and a {@code <Name>Repository} beside it. Problems are
 * reported as compile errors on the offending element.
 */
@SupportedAnnotationTypes("io.kvframework.annotations.KvEntity")
public final class KvEntityProcessor extends AbstractProcessor {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    private static final Map<String, String> SIMPLE = Map.ofEntries(
            Map.entry("java.lang.String", "STRING"), Map.entry("java.lang.Integer", "INT"), Map.entry("java.lang.Long", "LONG"),
            Map.entry("java.lang.Short", "SHORT"), Map.entry("java.lang.Boolean", "BOOLEAN"), Map.entry("java.lang.Double", "DOUBLE"),
            Map.entry("java.math.BigDecimal", "DECIMAL"), Map.entry("java.util.UUID", "UUID"), Map.entry("java.time.Instant", "INSTANT"),
            Map.entry("java.time.LocalDate", "LOCAL_DATE"), Map.entry("java.time.LocalDateTime", "LOCAL_DATE_TIME"));

    /** The registrations written in every round, listed in the service file after the last one. */
    private final java.util.Set<String> registrations = new java.util.LinkedHashSet<>();

    @Override
    public SourceVersion getSupportedSourceVersion() {
        return SourceVersion.latestSupported();
    }

    @Override
    public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment round) {
        if (round.processingOver()) {
            if (!registrations.isEmpty()) {
                try {
                    SourceWriter.writeServiceFile(processingEnv.getFiler(), registrations);
                } catch (IOException e) {
                    processingEnv.getMessager().printMessage(javax.tools.Diagnostic.Kind.ERROR,
                            "cannot write META-INF/services/io.kvframework.redis.KvEntityRegistration: " + e.getMessage());
                }
            }
            return false;
        }
        for (Element element : round.getElementsAnnotatedWith(KvEntity.class)) {
            if (element.getKind() != ElementKind.RECORD) {
                error(element, "@KvEntity goes on a record; for other classes build an EntityModel with EntityModel.builder()");
                continue;
            }
            try {
                Entity entity = read((TypeElement) element);
                if (entity != null) {
                    new SourceWriter(processingEnv.getFiler(), registrations).write(entity);
                }
            } catch (IOException e) {
                error(element, "cannot write generated sources: " + e.getMessage());
            }
        }
        return true;
    }

    /** What the processor learned from one record. */
    record Entity(TypeElement type, String pkg, String table, long ttlSeconds, List<Col> columns, List<Col> key,
            List<Idx> indexes, String versionComponent, List<String> constructorArgs) {
    }

    record Col(String component, String name, String constant, TypeName type, TypeName rawClass, String columnType,
            boolean nullable, int maxLength, int precision, int scale, boolean json, boolean generic, int keyOrder, Element element) {
    }

    record Idx(String name, List<Col> columns, boolean unique) {
    }

    private Entity read(TypeElement type) {
        KvEntity kv = type.getAnnotation(KvEntity.class);
        boolean ok = true;
        if (!NAME.matcher(kv.table()).matches()) {
            error(type, "table name '" + kv.table() + "' must match [a-z][a-z0-9_]* (at most 63 characters)");
            ok = false;
        }
        List<Col> columns = new ArrayList<>();
        List<String> constructorArgs = new ArrayList<>();
        List<Idx> indexes = new ArrayList<>();
        String versionComponent = null;
        for (RecordComponentElement rc : type.getRecordComponents()) {
            String component = rc.getSimpleName().toString();
            if (rc.getAnnotation(Version.class) != null) {
                if (rc.asType().getKind() != TypeKind.LONG) {
                    error(rc, "@Version component must be a long");
                    ok = false;
                }
                versionComponent = component;
                constructorArgs.add("row.version()");
                continue;
            }
            Col col = column(rc, component);
            if (col == null) {
                ok = false;
                continue;
            }
            columns.add(col);
            constructorArgs.add("row.get(" + col.constant() + ")");
            Indexed indexed = rc.getAnnotation(Indexed.class);
            if (indexed != null) {
                String name = indexed.name().isEmpty() ? "by_" + col.name() : indexed.name();
                indexes.add(new Idx(name, List.of(col), indexed.unique()));
            }
        }
        Map<String, Col> byName = new LinkedHashMap<>();
        columns.forEach(c -> byName.put(c.name(), c));
        for (Index index : kv.indexes()) {
            List<Col> cols = new ArrayList<>();
            for (String name : index.columns()) {
                Col c = byName.get(name);
                if (c == null) {
                    error(type, "index " + index.name() + " names column '" + name + "', which " + type.getSimpleName()
                            + " does not have; columns: " + byName.keySet());
                    ok = false;
                } else {
                    cols.add(c);
                }
            }
            indexes.add(new Idx(index.name(), cols, index.unique()));
        }
        List<Col> key = columns.stream().filter(c -> c.keyOrder() != Integer.MIN_VALUE)
                .sorted(Comparator.comparingInt(Col::keyOrder)).toList();
        if (key.isEmpty()) {
            error(type, "no primary key: mark at least one component with @Key");
            ok = false;
        }
        for (Col k : key) {
            if (k.json() || Set.of("DOUBLE", "DECIMAL", "BYTES").contains(k.columnType())) {
                error(k.element(), "key component " + k.component() + " has type " + k.columnType() + ", which cannot be a key");
                ok = false;
            }
        }
        if (!ok) {
            return null;
        }
        String pkg = ((PackageElement) enclosingPackage(type)).getQualifiedName().toString();
        return new Entity(type, pkg, kv.table(), kv.ttlSeconds(), columns, key, indexes, versionComponent, constructorArgs);
    }

    private Col column(RecordComponentElement rc, String component) {
        Column column = rc.getAnnotation(Column.class);
        String name = column != null && !column.name().isEmpty() ? column.name() : snake(component);
        if (!NAME.matcher(name).matches() || name.equals("version")) {
            error(rc, "column name '" + name + "' must match [a-z][a-z0-9_]* and not be 'version' (reserved)");
            return null;
        }
        boolean isKey = rc.getAnnotation(Key.class) != null;
        int keyOrder = isKey ? rc.getAnnotation(Key.class).order() : Integer.MIN_VALUE;
        TypeMirror mirror = rc.asType();
        boolean primitive = mirror.getKind().isPrimitive();
        boolean json = rc.getAnnotation(Json.class) != null;
        TypeName type = TypeName.get(mirror).box();
        TypeName raw = type instanceof ParameterizedTypeName p ? p.rawType : type;
        boolean generic = type instanceof ParameterizedTypeName;
        String columnType;
        if (json) {
            columnType = "JSON";
        } else if (mirror.getKind() == TypeKind.ARRAY && mirror.toString().equals("byte[]")) {
            columnType = "BYTES";
        } else if (primitive) {
            columnType = switch (mirror.getKind()) {
                case INT -> "INT";
                case LONG -> "LONG";
                case SHORT -> "SHORT";
                case BOOLEAN -> "BOOLEAN";
                case DOUBLE -> "DOUBLE";
                default -> null;
            };
        } else if (mirror.getKind() == TypeKind.DECLARED
                && ((DeclaredType) mirror).asElement().getKind() == ElementKind.ENUM) {
            columnType = "ENUM";
        } else {
            columnType = SIMPLE.get(raw.toString());
        }
        if (columnType == null) {
            error(rc, "component " + component + " of type " + mirror + " has no column type; annotate it @Json to store it as JSON");
            return null;
        }
        if (generic && !json) {
            error(rc, "component " + component + " has a generic type; annotate it @Json");
            return null;
        }
        boolean nullable = !primitive && !isKey && (column == null || column.nullable());
        int maxLength = column != null ? column.maxLength() : -1;
        if (maxLength == 0 || maxLength < -1) {
            error(rc, "maxLength must be positive or -1");
            return null;
        }
        int precision = column != null ? column.precision() : -1;
        int scale = column != null ? column.scale() : -1;
        if ((precision != -1 || scale != -1) && !columnType.equals("DECIMAL")) {
            error(rc, "precision and scale apply to BigDecimal components only");
            return null;
        }
        if ((precision == -1) != (scale == -1) || precision != -1 && (precision < 1 || precision > 65 || scale < 0 || scale > 30
                || scale > precision)) {
            error(rc, "declare precision (1 to 65) and scale (0 to 30, at most the precision) together");
            return null;
        }
        return new Col(component, name, name.toUpperCase(Locale.ROOT), type, raw, columnType, nullable, maxLength, precision, scale,
                json, generic,
                keyOrder, rc);
    }

    private static Element enclosingPackage(Element e) {
        Element current = e;
        while (current.getKind() != ElementKind.PACKAGE) {
            current = current.getEnclosingElement();
        }
        return current;
    }

    static String snake(String camel) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < camel.length(); i++) {
            char c = camel.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    out.append('_');
                }
                out.append(Character.toLowerCase(c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private void error(Element element, String message) {
        processingEnv.getMessager().printMessage(Diagnostic.Kind.ERROR, "@KvEntity: " + message, element);
    }
}
