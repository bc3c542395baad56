package io.github.regionalrouter.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaskTailTest {
  @Test
  void deferredWorkRunsAfterTheTaskOnTheSameThread() {
    List<String> order = new ArrayList<>();
    Thread[] ran = new Thread[1];
    TaskTail.run(() -> {
      assertThat(TaskTail.defer(() -> {
        order.add("deferred");
        ran[0] = Thread.currentThread();
      })).isTrue();
      order.add("task end");
    });
    assertThat(order).containsExactly("task end", "deferred");
    assertThat(ran[0]).isSameAs(Thread.currentThread());
  }

  @Test
  void outsideATaskOrASecondTimeNothingIsDeferred() {
    assertThat(TaskTail.defer(() -> { })).isFalse();
    List<String> order = new ArrayList<>();
    TaskTail.run(() -> {
      assertThat(TaskTail.defer(() -> order.add("first"))).isTrue();
      assertThat(TaskTail.defer(() -> order.add("second"))).isFalse();
    });
    assertThat(order).containsExactly("first");
    assertThat(TaskTail.defer(() -> { })).as("after the task").isFalse();
  }

  @Test
  void nestedTasksHaveTheirOwnTails() {
    List<String> order = new ArrayList<>();
    TaskTail.run(() -> {
      TaskTail.run(() -> TaskTail.defer(() -> order.add("inner tail")));
      assertThat(TaskTail.defer(() -> order.add("outer tail"))).isTrue();
      order.add("outer end");
    });
    assertThat(order).containsExactly("inner tail", "outer end", "outer tail");
  }

  @Test
  void aFailingTaskRunsNoTailAndLeavesNoSlotBehind() {
    List<String> order = new ArrayList<>();
    assertThatThrownBy(() -> TaskTail.run(() -> {
      TaskTail.defer(() -> order.add("tail"));
      throw new IllegalStateException("boom");
    })).isInstanceOf(IllegalStateException.class);
    assertThat(order).isEmpty();
    assertThat(TaskTail.defer(() -> { })).isFalse();
  }
}
