package io.kvframework.processortest;

import static org.assertj.core.api.Assertions.assertThat;

import io.kvframework.processor.KvEntityProcessor;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/** Declarations that cannot work fail at compile time, naming the problem. */
class ProcessorErrorsTest {

    private static List<String> compile(String source) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path out = Files.createTempDirectory("kv-processor-test");
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///sample/Bad.java"), JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            JavaCompiler.CompilationTask task = javac.getTask(new StringWriter(), files, diagnostics,
                    List.of("-d", out.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:only"), null, List.of(file));
            task.setProcessors(List.of(new KvEntityProcessor()));
            task.call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == javax.tools.Diagnostic.Kind.ERROR)
                .map(d -> d.getMessage(null)).toList();
    }

    @Test
    void missingKey() throws Exception {
        assertThat(compile("package sample; import io.kvframework.annotations.*; @KvEntity(table = \"bad\") record Bad(String id) {}"))
                .anySatisfy(m -> assertThat(m).contains("no primary key"));
    }

    @Test
    void badTableName() throws Exception {
        assertThat(compile("package sample; import io.kvframework.annotations.*; @KvEntity(table = \"Bad-Table\") record Bad(@Key String id) {}"))
                .anySatisfy(m -> assertThat(m).contains("table name 'Bad-Table'"));
    }

    @Test
    void unsupportedTypeWithoutJson() throws Exception {
        assertThat(compile("package sample; import io.kvframework.annotations.*; @KvEntity(table = \"bad\") "
                + "record Bad(@Key String id, java.util.List<String> tags) {}"))
                .anySatisfy(m -> assertThat(m).contains("tags").contains("@Json"));
    }

    @Test
    void indexOnUnknownColumn() throws Exception {
        assertThat(compile("package sample; import io.kvframework.annotations.*; "
                + "@KvEntity(table = \"bad\", indexes = @Index(name = \"by_x\", columns = {\"nope\"})) record Bad(@Key String id) {}"))
                .anySatisfy(m -> assertThat(m).contains("'nope'"));
    }

    @Test
    void reservedColumnName() throws Exception {
        assertThat(compile("package sample; import io.kvframework.annotations.*; @KvEntity(table = \"bad\") "
                + "record Bad(@Key String id, long version) {}"))
                .anySatisfy(m -> assertThat(m).contains("reserved"));
    }

    @Test
    void notARecord() throws Exception {
        assertThat(compile("package sample; import io.kvframework.annotations.*; @KvEntity(table = \"bad\") class Bad {}"))
                .anySatisfy(m -> assertThat(m).contains("goes on a record"));
    }
}
