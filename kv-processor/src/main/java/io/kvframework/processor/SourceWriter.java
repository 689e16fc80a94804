package io.kvframework.processor;

import com.squareup.javapoet.AnnotationSpec;
import com.squareup.javapoet.ClassName;
import com.squareup.javapoet.CodeBlock;
import com.squareup.javapoet.FieldSpec;
import com.squareup.javapoet.JavaFile;
import com.squareup.javapoet.MethodSpec;
import com.squareup.javapoet.ParameterSpec;
import com.squareup.javapoet.ParameterizedTypeName;
import com.squareup.javapoet.TypeName;
import com.squareup.javapoet.TypeSpec;
import io.kvframework.annotations.Column;
import io.kvframework.processor.KvEntityProcessor.Col;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.processing.Filer;
import javax.lang.model.element.Modifier;

/**
 * The source the processor generates for one entity: {@code <Name>Table} (typed column constants
 * and the entity model) and {@code <Name>Repository} (a typed facade over {@code KvRepository}).
 */
final class SourceWriter {
    private static final String GENERATOR = KvEntityProcessor.class.getName();
    private static final ClassName COLUMN = ClassName.get("io.kvframework.core", "Column");
    private static final ClassName ENTITY_MODEL = ClassName.get("io.kvframework.core", "EntityModel");
    private static final ClassName KV_REPOSITORY = ClassName.get("io.kvframework.core", "KvRepository");
    private static final ClassName WHERE = ClassName.get("io.kvframework.core", "Where");
    private static final ClassName UPDATE = ClassName.get("io.kvframework.core", "Update");
    private static final ClassName VERSIONED = ClassName.get("io.kvframework.core", "Versioned");
    private static final ClassName KV_CLIENT = ClassName.get("io.kvframework.redis", "KvClient");
    private static final ClassName TYPE_REFERENCE = ClassName.get("com.fasterxml.jackson.core.type", "TypeReference");
    private static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");
    private static final ClassName KV_ASYNC_REPOSITORY = ClassName.get("io.kvframework.core", "KvAsyncRepository");
    private static final ClassName REGISTRATION = ClassName.get("io.kvframework.redis", "KvEntityRegistration");
    private final Filer filer;
    private final java.util.Collection<String> registrations;

    SourceWriter(Filer filer, java.util.Collection<String> registrations) {
        this.filer = filer;
        this.registrations = registrations;
    }

    /** Writes {@code <Name>Table} and {@code <Name>Repository} of one entity. */
    void write(KvEntityProcessor.Entity e) throws IOException {
        ClassName entity = ClassName.get(e.type());
        String simple = e.type().getSimpleName().toString();
        ClassName tableClass = ClassName.get(e.pkg(), simple + "Table");
        AnnotationSpec generated = AnnotationSpec.builder(GENERATED).addMember("value", "$S", GENERATOR).build();

        TypeSpec.Builder table = TypeSpec.classBuilder(tableClass).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addAnnotation(generated)
                .addJavadoc("Columns and entity model of {@link $T}, stored in table {@code $L}.\n", entity, e.table())
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        for (Col c : e.columns()) {
            TypeName fieldType = ParameterizedTypeName.get(COLUMN, entity, c.type());
            CodeBlock.Builder init = CodeBlock.builder();
            if (c.generic()) {
                init.add("$T.<$T, $T>builder($S, columnClass($T.class), $T::$L)", COLUMN, entity, c.type(), c.name(), c.rawClass(), entity,
                        c.component());
            } else {
                init.add("$T.builder($S, $T.class, $T::$L)", COLUMN, c.name(), c.rawClass(), entity, c.component());
            }
            if (c.json()) {
                if (c.generic()) {
                    init.add(".json(new $T<$T>() { }.getType())", TYPE_REFERENCE, c.type());
                } else {
                    init.add(".json($T.class)", c.rawClass());
                }
            }
            if (!c.nullable()) {
                init.add(".nullable(false)");
            }
            if (c.maxLength() > 0) {
                init.add(".maxLength($L)", c.maxLength());
            }
            if (c.precision() > 0) {
                init.add(".precision($L).scale($L)", c.precision(), c.scale());
            }
            init.add(".build()");
            table.addField(FieldSpec.builder(fieldType, c.constant(), Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                    .addJavadoc("Column {@code $L}: $L$L$L.\n", c.name(), c.columnType(), e.key().contains(c) ? ", primary key" : "",
                            c.nullable() ? ", nullable" : "")
                    .initializer(init.build()).build());
        }
        if (e.columns().stream().anyMatch(Col::generic)) {
            table.addMethod(MethodSpec.methodBuilder("columnClass").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                    .addAnnotation(AnnotationSpec.builder(SuppressWarnings.class).addMember("value", "$S", "unchecked").build())
                    .addTypeVariable(com.squareup.javapoet.TypeVariableName.get("T"))
                    .returns(ParameterizedTypeName.get(ClassName.get(Class.class), com.squareup.javapoet.TypeVariableName.get("T")))
                    .addParameter(ParameterizedTypeName.get(ClassName.get(Class.class), com.squareup.javapoet.WildcardTypeName.subtypeOf(Object.class)), "raw")
                    .addStatement("return ($T<T>) raw", Class.class).build());
        }
        CodeBlock.Builder model = CodeBlock.builder().add("$T.builder($T.class, $S)\n", ENTITY_MODEL, entity, e.table());
        model.indent().indent();
        model.add(".columns($L)\n", String.join(", ", e.columns().stream().map(Col::constant).toList()));
        model.add(".key($L)\n", String.join(", ", e.key().stream().map(Col::constant).toList()));
        for (KvEntityProcessor.Idx index : e.indexes()) {
            model.add(".$L($S, $L)\n", index.unique() ? "uniqueIndex" : "index", index.name(),
                    String.join(", ", index.columns().stream().map(Col::constant).toList()));
        }
        if (e.ttlSeconds() > 0) {
            model.add(".ttl($T.ofSeconds($L))\n", java.time.Duration.class, e.ttlSeconds());
        }
        if (e.versionComponent() != null) {
            model.add(".versionOf($T::$L)\n", entity, e.versionComponent());
        }
        model.add(".factory(row -> new $T($L))\n", entity, String.join(", ", e.constructorArgs()));
        model.add(".build()");
        model.unindent().unindent();
        table.addField(FieldSpec.builder(ParameterizedTypeName.get(ENTITY_MODEL, entity), "MODEL", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).addJavadoc("The entity model of {@link $T}.\n", entity).initializer(model.build()).build());
        JavaFile.builder(e.pkg(), table.build()).skipJavaLangImports(true).build().writeTo(filer);

        writeRepository(e, entity, tableClass, generated);
        writeAsyncRepository(e, entity, tableClass, generated);
    }

    /** {@code <Name>AsyncRepository}: the asynchronous twin, every call returning a {@code CompletionStage}. */
    private void writeAsyncRepository(KvEntityProcessor.Entity e, ClassName entity, ClassName tableClass, AnnotationSpec generated)
            throws IOException {
        String simple = e.type().getSimpleName().toString();
        ClassName repoClass = ClassName.get(e.pkg(), simple + "AsyncRepository");
        ClassName stage = ClassName.get(java.util.concurrent.CompletionStage.class);
        TypeName asyncType = ParameterizedTypeName.get(KV_ASYNC_REPOSITORY, entity);
        TypeName whereType = ParameterizedTypeName.get(WHERE, entity);
        TypeName updateType = ParameterizedTypeName.get(UPDATE, entity);
        TypeName listType = ParameterizedTypeName.get(ClassName.get(List.class), entity);
        TypeName optionalType = ParameterizedTypeName.get(ClassName.get(java.util.Optional.class), entity);
        ParameterSpec where = ParameterSpec.builder(whereType, "where").build();
        ParameterSpec set = ParameterSpec.builder(updateType, "set").build();
        ParameterSpec one = ParameterSpec.builder(entity, "entity").build();
        ParameterSpec expected = ParameterSpec.builder(TypeName.LONG, "expectedVersion").build();
        TypeSpec.Builder repo = TypeSpec.classBuilder(repoClass).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(asyncType).addAnnotation(generated)
                .addJavadoc("Asynchronous repository of {@link $T} (table {@code $L}): every call returns a {@code CompletionStage}.\n",
                        entity, e.table())
                .addField(asyncType, "delegate", Modifier.PRIVATE, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                        .addJavadoc("The asynchronous repository of {@link $T} on {@code kv}.\n", entity)
                        .addParameter(KV_CLIENT, "kv").addStatement("this.delegate = kv.asyncRepository($T.MODEL)", tableClass).build());
        repo.addMethod(delegate("model", ParameterizedTypeName.get(ENTITY_MODEL, entity)));
        repo.addMethod(delegate("createWithKV", ParameterizedTypeName.get(stage, entity), one));
        repo.addMethod(delegate("createManyWithKV", ParameterizedTypeName.get(stage, listType), ParameterSpec.builder(listType, "entities").build()));
        repo.addMethod(delegate("findOneWithKV", ParameterizedTypeName.get(stage, optionalType), where));
        repo.addMethod(delegate("findOneVersionedWithKV", ParameterizedTypeName.get(stage, ParameterizedTypeName.get(
                ClassName.get(java.util.Optional.class), ParameterizedTypeName.get(VERSIONED, entity))), where));
        repo.addMethod(delegate("findAllWithKV", ParameterizedTypeName.get(stage, listType), where));
        repo.addMethod(delegate("findAllFromKvRedis", ParameterizedTypeName.get(stage, listType), where));
        repo.addMethod(delegate("updateOneWithKV", ParameterizedTypeName.get(stage, optionalType), set, where));
        repo.addMethod(delegate("updateOneWithKV", ParameterizedTypeName.get(stage, optionalType), set, where, expected));
        repo.addMethod(delegate("updateWithKV", ParameterizedTypeName.get(stage, listType), set, where));
        repo.addMethod(delegate("deleteWithKV", ParameterizedTypeName.get(stage, ClassName.get(Integer.class)), where));
        repo.addMethod(delegate("saveWithKV", ParameterizedTypeName.get(stage, entity), one));
        repo.addMethod(delegate("saveWithKV", ParameterizedTypeName.get(stage, entity), one, expected));
        repo.addMethod(delegate("deleteOneWithKV", ParameterizedTypeName.get(stage, ClassName.get(Boolean.class)),
                ParameterSpec.builder(whereType, "key").build()));
        repo.addMethod(delegate("countWithKV", ParameterizedTypeName.get(stage, ClassName.get(Long.class)), where));
        repo.addMethod(delegate("existsWithKV", ParameterizedTypeName.get(stage, ClassName.get(Boolean.class)), where));
        List<ParameterSpec> keyParams = new ArrayList<>();
        List<String> keyArgs = new ArrayList<>();
        for (Col k : e.key()) {
            keyParams.add(ParameterSpec.builder(k.type(), k.component()).build());
            keyArgs.add(k.component());
        }
        ClassName syncRepo = ClassName.get(e.pkg(), simple + "Repository");
        repo.addMethod(MethodSpec.methodBuilder("findById").addModifiers(Modifier.PUBLIC).returns(ParameterizedTypeName.get(stage, optionalType))
                .addJavadoc("The row with this primary key, from Redis or else the database.\n").addParameters(keyParams)
                .addStatement("return delegate.findOneWithKV($T.byKey($L))", syncRepo, String.join(", ", keyArgs)).build());
        repo.addMethod(MethodSpec.methodBuilder("deleteById").addModifiers(Modifier.PUBLIC)
                .returns(ParameterizedTypeName.get(stage, ClassName.get(Boolean.class)))
                .addJavadoc("Deletes the row with this primary key; completes with whether there was one.\n").addParameters(keyParams)
                .addStatement("return delegate.deleteOneWithKV($T.byKey($L))", syncRepo, String.join(", ", keyArgs)).build());
        JavaFile.builder(e.pkg(), repo.build()).skipJavaLangImports(true).build().writeTo(filer);
    }

    private void writeRepository(KvEntityProcessor.Entity e, ClassName entity, ClassName tableClass, AnnotationSpec generated) throws IOException {
        String simple = e.type().getSimpleName().toString();
        ClassName repoClass = ClassName.get(e.pkg(), simple + "Repository");
        TypeName repoType = ParameterizedTypeName.get(KV_REPOSITORY, entity);
        TypeName whereType = ParameterizedTypeName.get(WHERE, entity);
        TypeName updateType = ParameterizedTypeName.get(UPDATE, entity);
        TypeName listType = ParameterizedTypeName.get(ClassName.get(List.class), entity);
        TypeName optionalType = ParameterizedTypeName.get(ClassName.get(java.util.Optional.class), entity);
        TypeSpec.Builder repo = TypeSpec.classBuilder(repoClass).addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(repoType).addAnnotation(generated)
                .addJavadoc("Repository of {@link $T} (table {@code $L}): the {@code *WithKV} operations plus key lookups.\n", entity, e.table())
                .addField(repoType, "delegate", Modifier.PRIVATE, Modifier.FINAL)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PUBLIC)
                        .addJavadoc("The repository of {@link $T} on {@code kv}.\n", entity)
                        .addParameter(KV_CLIENT, "kv").addStatement("this.delegate = kv.repository($T.MODEL)", tableClass).build());
        repo.addMethod(delegate("model", ParameterizedTypeName.get(ENTITY_MODEL, entity)));
        repo.addMethod(delegate("createWithKV", entity, ParameterSpec.builder(entity, "entity").build()));
        repo.addMethod(delegate("createManyWithKV", listType, ParameterSpec.builder(listType, "entities").build()));
        repo.addMethod(delegate("findOneWithKV", optionalType, ParameterSpec.builder(whereType, "where").build()));
        repo.addMethod(delegate("findOneVersionedWithKV",
                ParameterizedTypeName.get(ClassName.get(java.util.Optional.class), ParameterizedTypeName.get(VERSIONED, entity)),
                ParameterSpec.builder(whereType, "where").build()));
        repo.addMethod(delegate("findAllWithKV", listType, ParameterSpec.builder(whereType, "where").build()));
        repo.addMethod(delegate("findAllFromKvRedis", listType, ParameterSpec.builder(whereType, "where").build()));
        repo.addMethod(delegate("updateOneWithKV", optionalType, ParameterSpec.builder(updateType, "set").build(),
                ParameterSpec.builder(whereType, "where").build()));
        repo.addMethod(delegate("updateOneWithKV", optionalType, ParameterSpec.builder(updateType, "set").build(),
                ParameterSpec.builder(whereType, "where").build(), ParameterSpec.builder(TypeName.LONG, "expectedVersion").build()));
        repo.addMethod(delegate("updateWithKV", listType, ParameterSpec.builder(updateType, "set").build(),
                ParameterSpec.builder(whereType, "where").build()));
        repo.addMethod(delegate("deleteWithKV", TypeName.INT, ParameterSpec.builder(whereType, "where").build()));
        repo.addMethod(delegate("saveWithKV", entity, ParameterSpec.builder(entity, "entity").build()));
        repo.addMethod(delegate("saveWithKV", entity, ParameterSpec.builder(entity, "entity").build(),
                ParameterSpec.builder(TypeName.LONG, "expectedVersion").build()));
        repo.addMethod(delegate("deleteOneWithKV", TypeName.BOOLEAN, ParameterSpec.builder(whereType, "key").build()));
        repo.addMethod(delegate("countWithKV", TypeName.LONG, ParameterSpec.builder(whereType, "where").build()));
        repo.addMethod(delegate("existsWithKV", TypeName.BOOLEAN, ParameterSpec.builder(whereType, "where").build()));

        List<ParameterSpec> keyParams = new ArrayList<>();
        CodeBlock.Builder keyWhere = CodeBlock.builder();
        for (int i = 0; i < e.key().size(); i++) {
            Col k = e.key().get(i);
            keyParams.add(ParameterSpec.builder(k.type(), k.component()).build());
            keyWhere.add(i == 0 ? "$T.$L.eq($L)" : ".and($T.$L.eq($L))", tableClass, k.constant(), k.component());
        }
        repo.addMethod(MethodSpec.methodBuilder("byKey").addModifiers(Modifier.PUBLIC, Modifier.STATIC).returns(whereType)
                .addJavadoc("The where-clause of one primary key.\n").addParameters(keyParams)
                .addStatement("return $L", keyWhere.build()).build());
        String keyArgs = String.join(", ", e.key().stream().map(Col::component).toList());
        repo.addMethod(MethodSpec.methodBuilder("findById").addModifiers(Modifier.PUBLIC).returns(optionalType)
                .addJavadoc("The row with this primary key, from Redis or else the database.\n").addParameters(keyParams)
                .addStatement("return delegate.findOneWithKV(byKey($L))", keyArgs).build());
        repo.addMethod(MethodSpec.methodBuilder("deleteById").addModifiers(Modifier.PUBLIC).returns(TypeName.BOOLEAN)
                .addJavadoc("Deletes the row with this primary key; returns whether there was one.\n").addParameters(keyParams)
                .addStatement("return delegate.deleteWithKV(byKey($L)) == 1", keyArgs).build());
        for (KvEntityProcessor.Idx index : finderIndexes(e)) {
            repo.addMethod(finder(index, tableClass, whereType, optionalType, listType));
        }
        ClassName registrationClass = repoClass.nestedClass("Registration");
        repo.addType(TypeSpec.classBuilder(registrationClass).addModifiers(Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addSuperinterface(ParameterizedTypeName.get(REGISTRATION, entity, repoClass))
                .addJavadoc("How integrations find this entity (listed in {@code META-INF/services/$L}).\n", REGISTRATION.reflectionName())
                .addMethod(MethodSpec.methodBuilder("model").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .returns(ParameterizedTypeName.get(ENTITY_MODEL, entity)).addStatement("return $T.MODEL", tableClass).build())
                .addMethod(MethodSpec.methodBuilder("repositoryType").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .returns(ParameterizedTypeName.get(ClassName.get(Class.class), repoClass)).addStatement("return $T.class", repoClass)
                        .build())
                .addMethod(MethodSpec.methodBuilder("repository").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                        .returns(repoClass).addParameter(KV_CLIENT, "kv").addStatement("return new $T(kv)", repoClass).build())
                .build());
        JavaFile.builder(e.pkg(), repo.build()).skipJavaLangImports(true).build().writeTo(filer);
        registrations.add(registrationClass.reflectionName());
    }

    /**
     * Lists the registrations of every entity written, in
     * {@code META-INF/services/io.kvframework.redis.KvEntityRegistration} (once, after the last round).
     */
    static void writeServiceFile(Filer filer, java.util.Collection<String> registrations) throws IOException {
        javax.tools.FileObject file = filer.createResource(javax.tools.StandardLocation.CLASS_OUTPUT, "",
                "META-INF/services/" + REGISTRATION.reflectionName());
        try (java.io.Writer w = file.openWriter()) {
            for (String r : registrations) {
                w.write(r);
                w.write('\n');
            }
        }
    }

    /** The declared indexes and the key's leading parts (an index of their own in the model), each once. */
    private static List<KvEntityProcessor.Idx> finderIndexes(KvEntityProcessor.Entity e) {
        List<KvEntityProcessor.Idx> all = new ArrayList<>(e.indexes());
        for (int n = 1; n < e.key().size(); n++) {
            List<Col> prefix = e.key().subList(0, n);
            if (all.stream().noneMatch(i -> i.columns().equals(prefix))) {
                all.add(new KvEntityProcessor.Idx("key_prefix", prefix, false));
            }
        }
        return all;
    }

    /**
     * A finder per index: {@code findByEmail(email)} returning {@code Optional} for a unique index,
     * {@code findAllByCityAndStatus(city, status)} returning a {@code List} for a plain one.
     */
    private static MethodSpec finder(KvEntityProcessor.Idx index, ClassName tableClass, TypeName whereType, TypeName optionalType,
            TypeName listType) {
        StringBuilder name = new StringBuilder(index.unique() ? "findBy" : "findAllBy");
        CodeBlock.Builder where = CodeBlock.builder();
        List<ParameterSpec> params = new ArrayList<>();
        for (int i = 0; i < index.columns().size(); i++) {
            Col c = index.columns().get(i);
            name.append(i == 0 ? "" : "And").append(Character.toUpperCase(c.component().charAt(0))).append(c.component().substring(1));
            params.add(ParameterSpec.builder(c.type(), c.component()).build());
            where.add(i == 0 ? "$T.$L.eq($L)" : ".and($T.$L.eq($L))", tableClass, c.constant(), c.component());
        }
        MethodSpec.Builder m = MethodSpec.methodBuilder(name.toString()).addModifiers(Modifier.PUBLIC).addParameters(params);
        if (index.unique()) {
            return m.returns(optionalType).addJavadoc("The row whose unique index {@code $L} has these values.\n", index.name())
                    .addStatement("return delegate.findOneWithKV($L)", where.build()).build();
        }
        return m.returns(listType).addJavadoc("The rows whose index {@code $L} has these values (Redis and the database, merged).\n",
                index.name()).addStatement("return delegate.findAllWithKV($L)", where.build()).build();
    }

    private static MethodSpec delegate(String name, TypeName returns, ParameterSpec... params) {
        List<String> names = new ArrayList<>();
        for (ParameterSpec p : params) {
            names.add(p.name);
        }
        return MethodSpec.methodBuilder(name).addAnnotation(Override.class).addModifiers(Modifier.PUBLIC).returns(returns)
                .addParameters(List.of(params))
                .addStatement((returns.equals(TypeName.VOID) ? "" : "return ") + "delegate.$L($L)", name, String.join(", ", names)).build();
    }
}
