package io.github.regionalrouter;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one of this project's jars, read from its classes: which packages it exports
 * (its {@code module-info.class}; every package but {@code …internal…} when it has none) and which
 * public signatures there name a type users may not touch. Shared by each module's
 * {@code PublicApiSignaturesTest}.
 */
public final class ApiSurface {
  private static final String OURS = "io.github.regionalrouter";

  private final Path root;
  private final List<String> classNames;
  private final Set<String> packages;
  private final Set<String> exported; // null: no module-info

  private ApiSurface(Path root) throws IOException {
    this.root = root;
    this.classNames = classNames(root);
    this.packages = classNames.stream().map(ApiSurface::packageOf).collect(Collectors.toCollection(TreeSet::new));
    byte[] moduleInfo = read(root, "module-info.class");
    if (moduleInfo == null) {
      this.exported = null;
    } else {
      ModuleDescriptor d = ModuleDescriptor.read(java.nio.ByteBuffer.wrap(moduleInfo));
      this.exported = d.exports().stream().filter(e -> !e.isQualified()).map(ModuleDescriptor.Exports::source)
          .collect(Collectors.toCollection(TreeSet::new));
    }
  }

  /** The surface of the jar (or class directory) {@code anchor} was loaded from. */
  public static ApiSurface of(Class<?> anchor) throws IOException {
    try {
      return new ApiSurface(Path.of(anchor.getProtectionDomain().getCodeSource().getLocation().toURI()));
    } catch (URISyntaxException e) {
      throw new IOException(e);
    }
  }

  /**
   * Asserts that the jar {@code anchor} was loaded from exports exactly {@code apiPackages} and
   * that no public signature there names a hidden type.
   */
  public static void assertApi(Class<?> anchor, String... apiPackages) throws Exception {
    ApiSurface surface = of(anchor);
    assertThat(surface.apiPackages()).as("%s", surface).containsExactly(apiPackages);
    assertThat(surface.hiddenTypesInPublicSignatures()).as("%s", surface).isEmpty();
  }

  /** The packages users may use: exported without qualification. */
  public Set<String> apiPackages() {
    return packages.stream().filter(this::isApi).collect(Collectors.toCollection(TreeSet::new));
  }

  private boolean isApi(String pkg) {
    return exported != null ? exported.contains(pkg) : !isInternalName(pkg);
  }

  private static boolean isInternalName(String pkg) {
    return pkg.contains(".internal");
  }

  /** Whether {@code type} is one of ours that users may not touch. */
  private boolean isHidden(Class<?> type) {
    String pkg = type.getPackageName();
    if (!pkg.startsWith(OURS)) {
      return false;
    }
    return isInternalName(pkg) || (packages.contains(pkg) && !isApi(pkg));
  }

  /**
   * Every public or protected member (and supertype) of a public type in an API package whose
   * signature names a hidden type: {@code "Type#member: hidden.Type"}, sorted.
   */
  public List<String> hiddenTypesInPublicSignatures() throws ClassNotFoundException {
    Set<String> found = new TreeSet<>();
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    for (String name : classNames) {
      if (!isApi(packageOf(name))) {
        continue;
      }
      Class<?> c = Class.forName(name, false, loader);
      if (!isVisible(c)) {
        continue;
      }
      check(found, c, "extends", c.getGenericSuperclass());
      for (Type t : c.getGenericInterfaces()) {
        check(found, c, "implements", t);
      }
      for (TypeVariable<?> v : c.getTypeParameters()) {
        check(found, c, "<" + v.getName() + ">", v);
      }
      for (Field f : c.getDeclaredFields()) {
        if (isExposed(f.getModifiers()) && !f.isSynthetic()) {
          check(found, c, f.getName(), f.getGenericType());
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        if (isExposed(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
          checkExecutable(found, c, m.getName() + "()", m);
          check(found, c, m.getName() + "()", m.getGenericReturnType());
        }
      }
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (isExposed(k.getModifiers()) && !k.isSynthetic()) {
          checkExecutable(found, c, "<init>()", k);
        }
      }
    }
    return new ArrayList<>(found);
  }

  private void checkExecutable(Set<String> found, Class<?> c, String member, Executable e) {
    for (Type t : e.getGenericParameterTypes()) {
      check(found, c, member, t);
    }
    for (Type t : e.getGenericExceptionTypes()) {
      check(found, c, member, t);
    }
    for (TypeVariable<?> v : e.getTypeParameters()) {
      check(found, c, member, v);
    }
  }

  private void check(Set<String> found, Class<?> c, String member, Type type) {
    Set<Class<?>> named = new HashSet<>();
    collect(type, named, new HashSet<>());
    for (Class<?> t : named) {
      if (isHidden(t)) {
        found.add(c.getName() + "#" + member + ": " + t.getName());
      }
    }
  }

  private static void collect(Type type, Set<Class<?>> out, Set<Type> seen) {
    if (type == null || !seen.add(type)) {
      return;
    }
    if (type instanceof Class) {
      Class<?> c = (Class<?>) type;
      while (c.isArray()) {
        c = c.getComponentType();
      }
      out.add(c);
    } else if (type instanceof ParameterizedType) {
      ParameterizedType p = (ParameterizedType) type;
      collect(p.getRawType(), out, seen);
      collect(p.getOwnerType(), out, seen);
      for (Type a : p.getActualTypeArguments()) {
        collect(a, out, seen);
      }
    } else if (type instanceof WildcardType) {
      WildcardType w = (WildcardType) type;
      Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds())).forEach(b -> collect(b, out, seen));
    } else if (type instanceof TypeVariable) {
      for (Type b : ((TypeVariable<?>) type).getBounds()) {
        collect(b, out, seen);
      }
    } else if (type instanceof GenericArrayType) {
      collect(((GenericArrayType) type).getGenericComponentType(), out, seen);
    }
  }

  /** Public, and every enclosing type public too (a protected nested type counts: subclasses see it). */
  private static boolean isVisible(Class<?> c) {
    for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
      if (!isExposed(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
        return false;
      }
    }
    return true;
  }

  private static boolean isExposed(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static String packageOf(String className) {
    int dot = className.lastIndexOf('.');
    return dot < 0 ? "" : className.substring(0, dot);
  }

  private static List<String> classNames(Path root) throws IOException {
    List<String> names = new ArrayList<>();
    if (Files.isDirectory(root)) {
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(p -> p.toString().endsWith(".class"))
            .map(p -> root.relativize(p).toString().replace(java.io.File.separatorChar, '/'))
            .forEach(n -> addClass(names, n));
      }
    } else {
      try (JarFile jar = new JarFile(root.toFile())) {
        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
          addClass(names, e.nextElement().getName());
        }
      }
    }
    return names;
  }

  private static void addClass(List<String> names, String path) {
    if (!path.endsWith(".class") || path.startsWith("META-INF/") || path.endsWith("module-info.class")
        || path.endsWith("package-info.class")) {
      return;
    }
    names.add(path.substring(0, path.length() - ".class".length()).replace('/', '.'));
  }

  private static byte[] read(Path root, String entry) throws IOException {
    if (Files.isDirectory(root)) {
      Path p = root.resolve(entry);
      return Files.exists(p) ? Files.readAllBytes(p) : null;
    }
    try (JarFile jar = new JarFile(root.toFile())) {
      JarEntry e = jar.getJarEntry(entry);
      if (e == null) {
        return null;
      }
      try (InputStream in = jar.getInputStream(e)) {
        return in.readAllBytes();
      }
    }
  }

  @Override
  public String toString() {
    return "ApiSurface[" + root + ", api packages " + apiPackages() + "]";
  }
}
