package io.kvframework.spring.boot;

import io.kvframework.core.EntityModel;
import io.kvframework.redis.KvClient;
import io.kvframework.redis.KvEntityRegistration;
import java.beans.Introspector;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.BeanFactoryAware;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.annotation.AnnotationAttributes;
import org.springframework.core.type.AnnotationMetadata;
import org.springframework.util.ClassUtils;

/**
 * The KV entities of the application: the annotation processor's registrations on the class path
 * ({@link KvEntityRegistration#all}), limited to the packages of {@link KvEntityScan} when the
 * application has one. Each entity's generated repository becomes a bean (named like
 * {@code orderRepository}), made by its registration on the application's {@link KvClient}: no
 * class scanning, no reflection on entity types.
 */
public final class KvEntities {
    private static final String PACKAGES_BEAN = KvEntities.class.getName() + ".packages";

    private final List<KvEntityRegistration<?, ?>> registrations;

    KvEntities(List<KvEntityRegistration<?, ?>> registrations) {
        this.registrations = List.copyOf(registrations);
    }

    /** The registrations in use. */
    public List<KvEntityRegistration<?, ?>> registrations() {
        return registrations;
    }

    /** The models of the entities in use (the drainer's tables). */
    public List<EntityModel<?>> models() {
        List<EntityModel<?>> models = new ArrayList<>();
        registrations.forEach(r -> models.add(r.model()));
        return models;
    }

    /** The registrations on the class path of {@code loader} whose entity lies in one of {@code packages} (all when empty). */
    static KvEntities select(ClassLoader loader, List<String> packages) {
        List<KvEntityRegistration<?, ?>> out = new ArrayList<>();
        java.util.Map<String, String> byTable = new java.util.HashMap<>();
        for (KvEntityRegistration<?, ?> r : KvEntityRegistration.all(loader)) {
            String pkg = r.model().type().getPackageName();
            if (packages.isEmpty() || packages.stream().anyMatch(p -> pkg.equals(p) || pkg.startsWith(p + "."))) {
                String other = byTable.putIfAbsent(r.model().table(), r.model().type().getName());
                if (other != null) {
                    throw new IllegalStateException("KV entities " + other + " and " + r.model().type().getName() + " both map to table '"
                            + r.model().table() + "'; choose the application's entities with @KvEntityScan");
                }
                out.add(r);
            }
        }
        return new KvEntities(out);
    }

    static List<String> packages(BeanDefinitionRegistry registry) {
        if (!registry.containsBeanDefinition(PACKAGES_BEAN)) {
            return List.of();
        }
        Object value = registry.getBeanDefinition(PACKAGES_BEAN).getConstructorArgumentValues()
                .getIndexedArgumentValue(0, String[].class).getValue();
        return Arrays.asList((String[]) value);
    }

    /** Registers the packages of {@link KvEntityScan}. */
    static final class ScanRegistrar implements ImportBeanDefinitionRegistrar {
        @Override
        public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
            AnnotationAttributes attributes = AnnotationAttributes.fromMap(metadata.getAnnotationAttributes(KvEntityScan.class.getName()));
            List<String> packages = new ArrayList<>(Arrays.asList(attributes.getStringArray("value")));
            for (Class<?> c : attributes.getClassArray("basePackageClasses")) {
                packages.add(c.getPackageName());
            }
            if (packages.isEmpty()) {
                packages.add(ClassUtils.getPackageName(metadata.getClassName()));
            }
            RootBeanDefinition definition = new RootBeanDefinition(String[].class);
            definition.getConstructorArgumentValues().addIndexedArgumentValue(0, packages.toArray(String[]::new));
            definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
            // a marker read by RepositoryRegistrar, never instantiated as a bean of its own
            definition.setAbstract(true);
            registry.registerBeanDefinition(PACKAGES_BEAN, definition);
        }
    }

    /** Registers the {@link KvEntities} bean and one bean per generated repository. */
    static final class RepositoryRegistrar implements BeanDefinitionRegistryPostProcessor, BeanFactoryAware {
        private BeanFactory beanFactory;

        @Override
        public void setBeanFactory(BeanFactory beanFactory) throws BeansException {
            this.beanFactory = beanFactory;
        }

        @Override
        public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) throws BeansException {
            ClassLoader loader = beanFactory instanceof ConfigurableListableBeanFactory f && f.getBeanClassLoader() != null
                    ? f.getBeanClassLoader() : KvEntities.class.getClassLoader();
            KvEntities entities = select(loader, packages(registry));
            RootBeanDefinition holder = new RootBeanDefinition(KvEntities.class, () -> entities);
            registry.registerBeanDefinition("kvEntities", holder);
            for (KvEntityRegistration<?, ?> r : entities.registrations()) {
                register(registry, r);
            }
        }

        private void register(BeanDefinitionRegistry registry, KvEntityRegistration<?, ?> r) {
            String name = Introspector.decapitalize(r.repositoryType().getSimpleName());
            if (registry.containsBeanDefinition(name)) {
                return; // the application defines it itself
            }
            RootBeanDefinition definition = new RootBeanDefinition(r.repositoryType());
            definition.setInstanceSupplier(() -> r.repository(beanFactory.getBean(KvClient.class)));
            registry.registerBeanDefinition(name, definition);
        }

        @Override
        public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) throws BeansException {
        }
    }
}
