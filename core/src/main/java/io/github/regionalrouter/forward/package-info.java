/**
 * The data path: forwards a routed request to its endpoint and streams the answer back.
 *
 * <p>The null policy of {@link io.github.regionalrouter} applies.
 */
package io.github.regionalrouter.forward;
