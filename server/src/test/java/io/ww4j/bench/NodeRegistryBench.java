package io.ww4j.bench;

import io.ww4j.node.InMemoryRegistry;
import io.ww4j.node.Node;
import io.ww4j.node.NodesConf;
import io.ww4j.node.NodesConfReader;
import io.ww4j.node.NodesConfWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Node registry on a 10,000-node nodes.conf (server/bench/nodedb-bench.sh writes it and passes
 * its path as {@code file}): MAC lookup latency (sample mode gives p99), the merged view of all
 * nodes (a full snapshot rebuild), parse and export of the whole file.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xmx2g"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class NodeRegistryBench {
    @Param("/tmp/ww4j-nodedb-bench/nodes.conf")
    public String file;

    private NodesConf conf;
    private String text;
    private InMemoryRegistry registry;
    private String[] macs;
    private int next;

    @Setup
    public void setup() throws Exception {
        text = Files.readString(Path.of(file));
        conf = NodesConfReader.parse(text, file);
        registry = InMemoryRegistry.of(conf);
        macs = registry.all().stream().map(n -> n.primaryNetDev().hwaddr.toUpperCase()).toArray(String[]::new);
    }

    /** One lookup by MAC (upper case, so normalisation is included), cycling through all nodes. */
    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public Optional<Node> lookupByMac() {
        int i = next++;
        if (next == macs.length) {
            next = 0;
        }
        return registry.byHwaddr(macs[i]);
    }

    /** The merged view of every node: merge all 10,000 and build the indexes. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int mergedViewOfAll() {
        return InMemoryRegistry.of(conf).all().size();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int parseNodesConf() {
        return NodesConfReader.parse(text, file).nodes.size();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int exportNodesConf() {
        return NodesConfWriter.write(conf).length();
    }
}
