package io.github.regionalrouter.jdkserver;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.JMException;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The counters of {@code /stats} as a JMX MBean, {@code io.github.regionalrouter:type=Proxy,port=N}:
 * one read-only attribute per counter, nested names joined with dots ({@code failures.upstream_timeout},
 * {@code status.200}, {@code clusterInFlight.us_east1}). The set of attributes is read at each call,
 * so counters that appear later (a new status) show up.
 */
final class StatsMBean implements DynamicMBean {
  private final RegionalProxyServer proxy;
  private ObjectName name;

  StatsMBean(RegionalProxyServer proxy) {
    this.proxy = proxy;
  }

  void register() {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      name = new ObjectName("io.github.regionalrouter:type=Proxy,port=" + proxy.address().getPort());
      if (!server.isRegistered(name)) {
        server.registerMBean(this, name);
      }
    } catch (JMException | RuntimeException e) {
      name = null; // JMX is best effort: the proxy serves without it, but say so
      org.slf4j.LoggerFactory.getLogger(StatsMBean.class).warn("proxy on port {}: its JMX MBean is not registered",
          proxy.address().getPort(), e);
    }
  }

  void unregister() {
    if (name != null) {
      try {
        ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
      } catch (JMException | RuntimeException ignored) {
        // irrelevant: already unregistered (by the platform server or a second close)
      }
    }
  }

  private Map<String, Object> flat() {
    Map<String, Object> out = new LinkedHashMap<>();
    flatten("", AdminServer.stats(proxy), out);
    return out;
  }

  private static void flatten(String prefix, Map<?, ?> m, Map<String, Object> out) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map) {
        flatten(key + ".", (Map<?, ?>) e.getValue(), out);
      } else if (e.getValue() instanceof Number) {
        out.put(key, ((Number) e.getValue()).longValue());
      } else if (e.getValue() instanceof Boolean) {
        out.put(key, e.getValue());
      }
    }
  }

  @Override
  public Object getAttribute(String attribute) throws AttributeNotFoundException {
    Object v = flat().get(attribute);
    if (v == null) {
      throw new AttributeNotFoundException(attribute);
    }
    return v;
  }

  @Override
  public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
    throw new AttributeNotFoundException(attribute.getName() + " is read-only");
  }

  @Override
  public AttributeList getAttributes(String[] attributes) {
    Map<String, Object> all = flat();
    AttributeList list = new AttributeList();
    for (String a : attributes) {
      if (all.containsKey(a)) {
        list.add(new Attribute(a, all.get(a)));
      }
    }
    return list;
  }

  @Override
  public AttributeList setAttributes(AttributeList attributes) {
    return new AttributeList();
  }

  @Override
  public Object invoke(String actionName, Object[] params, String[] signature) {
    throw new UnsupportedOperationException(actionName);
  }

  @Override
  public MBeanInfo getMBeanInfo() {
    List<MBeanAttributeInfo> attrs = new ArrayList<>();
    flat().forEach((k, v) -> attrs.add(new MBeanAttributeInfo(k, v instanceof Boolean ? "boolean" : "long",
        k, true, false, false)));
    return new MBeanInfo(StatsMBean.class.getName(), "regional-router proxy counters",
        attrs.toArray(new MBeanAttributeInfo[0]), null, null, null);
  }
}
