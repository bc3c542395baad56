package io.github.regionalrouter.benchmarks;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A fault's time span, in ms since the load began, and what it explains. */
final class FaultWindow {
  final String fault;
  final String region; // null: every region
  final long from;
  long to = Long.MAX_VALUE;
  final long grace;

  FaultWindow(String fault, String region, long from, long grace) {
    this.fault = fault;
    this.region = region;
    this.from = from;
    this.grace = grace;
  }

  boolean explains(SoakLoad.Failure f) {
    if (f.atMillis < from || f.atMillis > (to == Long.MAX_VALUE ? to : to + grace)) {
      return false;
    }
    if (fault.equals("discovery-down")) {
      // an upload answered 503 before its body was read: the proxy closes the connection, and a
      // client still sending sees the reset instead of the answer
      return f.key.equals("503 discovery_unavailable") || (f.key.startsWith("exception ") && f.bodyBytes > 0);
    }
    if (!f.region.equals(region)) {
      return false;
    }
    boolean upstreamStatus = f.key.startsWith("502 ") || f.key.startsWith("503 cluster_overloaded")
        || f.key.startsWith("503 no_healthy_endpoint") || f.key.startsWith("504 ");
    return upstreamStatus || (fault.equals("upstream-killed") && f.key.startsWith("exception "));
  }

  /** The latest window that began before {@code f} and explains it, or null. */
  static FaultWindow explaining(List<FaultWindow> windows, SoakLoad.Failure f) {
    return windows.stream().filter(x -> x.explains(f))
        .max(Comparator.comparingLong((FaultWindow x) -> x.from)).orElse(null);
  }

  /** The failures no window explains, counted by key, region and time. */
  static Map<String, Long> explain(List<FaultWindow> windows, List<SoakLoad.Failure> failures) {
    Map<String, Long> unexplained = new TreeMap<>();
    for (SoakLoad.Failure f : failures) {
      if (explaining(windows, f) == null) {
        unexplained.merge(f.key + " (" + f.region + " at " + f.atMillis / 1000 + " s"
            + (f.detail == null ? "" : "; " + f.detail) + ")", 1L, Long::sum);
      }
    }
    return unexplained;
  }

  static void printWindows(List<FaultWindow> windows) {
    System.out.println();
    System.out.println("fault windows (s since load start):");
    for (FaultWindow w : windows) {
      System.out.printf(Locale.ROOT, "  %-16s %-12s %6.1f - %6.1f (+%d s grace)%n", w.fault,
          w.region == null ? "" : w.region, w.from / 1000.0, w.to / 1000.0, w.grace / 1000);
    }
  }

  static void print(List<FaultWindow> windows, List<SoakLoad.Failure> failures, Map<String, Long> unexplained) {
    Map<String, Long> explainedBy = new TreeMap<>();
    Map<String, Long> details = new TreeMap<>();
    for (SoakLoad.Failure f : failures) {
      FaultWindow w = explaining(windows, f);
      if (w != null) {
        explainedBy.merge(f.key + " <- " + w.fault + (w.region == null ? "" : " " + w.region), 1L, Long::sum);
      }
      if (f.detail != null) {
        details.merge(f.detail, 1L, Long::sum);
      }
    }
    System.out.println("explained: " + explainedBy);
    System.out.println("unexplained: " + unexplained);
    if (!details.isEmpty()) {
      System.out.println("exceptions seen by the client: " + details);
    }
  }
}
