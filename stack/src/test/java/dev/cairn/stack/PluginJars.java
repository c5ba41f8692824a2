package dev.cairn.stack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * Builds plugin jars in a test from compiled test classes, and loads them so that their classes
 * really come from the jars: the loader never asks its parent for the fixture package, so a class
 * left out of a jar is missing, as it would be in production.
 */
final class PluginJars {
  static final String FIXTURES = "dev.cairn.stack.fixture.";
  private static final String SERVICES = "META-INF/services/dev.cairn.spi.StoreFactory";

  private PluginJars() {}

  /** Writes {@code dir/fileName} holding {@code classes} and declaring {@code providers}. */
  static Path jar(Path dir, String fileName, List<Class<?>> classes, List<String> providers) {
    Path jar = dir.resolve(fileName);
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file)) {
      for (Class<?> type : classes) {
        String entry = type.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(entry));
        try (InputStream in = PluginJars.class.getClassLoader().getResourceAsStream(entry)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
      out.putNextEntry(new JarEntry(SERVICES));
      out.write((String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return jar;
  }

  /** A class loader over {@code jars} whose parent is the test's class loader. */
  static URLClassLoader loader(Path... jars) {
    URL[] urls = new URL[jars.length];
    for (int i = 0; i < jars.length; i++) {
      try {
        urls[i] = jars[i].toUri().toURL();
      } catch (MalformedURLException e) {
        throw new IllegalArgumentException(e);
      }
    }
    return new FixtureLoader(urls, PluginJars.class.getClassLoader());
  }

  /** Loads the fixture package from its own jars only; everything else from the parent. */
  private static final class FixtureLoader extends URLClassLoader {
    FixtureLoader(URL[] urls, ClassLoader parent) {
      super(urls, parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith(FIXTURES)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          loaded = findClass(name);
        }
        if (resolve) {
          resolveClass(loaded);
        }
        return loaded;
      }
    }
  }
}
