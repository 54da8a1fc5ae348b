package biz.vulcantracker.ops;

import static org.assertj.core.api.Assertions.assertThat;

import biz.vulcantracker.common.VulcanConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every manifest of deploy/kubernetes/ parsed, and held to the configuration it runs: ports, roles,
 * probes, environment variables, labels that Cluster Bootstrap selects by, Services and routes that
 * reach real container ports, and the names the services are found under.
 */
class KubernetesManifestsTest {

  private static final Path DIRECTORY = Path.of("deploy/kubernetes");
  private static final Map<String, Boolean> ROLES_WITH_HTTP = Map.of("beacon", true, "katric", false, "scuttlebutt", true);

  private static final List<JsonNode> documents = new ArrayList<>();
  private static Config reference;
  private static Config kubernetes;

  @BeforeAll
  static void readManifests() throws IOException {
    YAMLMapper yaml = new YAMLMapper();
    try (Stream<Path> files = Files.list(DIRECTORY)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.endsWith("kustomization.yaml")).sorted().toList()) {
        try (MappingIterator<JsonNode> docs = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
          docs.readAll().stream().filter(doc -> doc != null && !doc.isEmpty()).forEach(documents::add);
        }
      }
    }
    reference = ConfigFactory.defaultReference();
    kubernetes = VulcanConfig.load(ConfigFactory.parseMap(Map.of("vulcan.env", "kubernetes")));
  }

  private static List<JsonNode> ofKind(String kind) {
    return documents.stream().filter(doc -> doc.path("kind").asText().equals(kind)).toList();
  }

  private static JsonNode named(String kind, String name) {
    return ofKind(kind).stream().filter(doc -> doc.path("metadata").path("name").asText().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
  }

  private static JsonNode container(JsonNode workload) {
    return workload.path("spec").path("template").path("spec").path("containers").get(0);
  }

  private static int port(JsonNode container, String name) {
    for (JsonNode port : container.path("ports")) {
      if (port.path("name").asText().equals(name)) {
        return port.path("containerPort").asInt();
      }
    }
    return -1;
  }

  private static String env(JsonNode container, String name) {
    for (JsonNode env : container.path("env")) {
      if (env.path("name").asText().equals(name)) {
        return env.has("value") ? env.path("value").asText() : env.path("valueFrom").toString();
      }
    }
    return null;
  }

  private static JsonNode configMap() {
    return named("ConfigMap", "vulcan-tracker").path("data");
  }

  @Test
  void kustomizationListsEveryManifest() throws IOException {
    JsonNode kustomization = new YAMLMapper().readTree(DIRECTORY.resolve("kustomization.yaml").toFile());
    Set<String> listed = new HashSet<>();
    kustomization.path("resources").forEach(r -> listed.add(r.asText()));
    try (Stream<Path> files = Files.list(DIRECTORY)) {
      assertThat(listed).isEqualTo(Set.copyOf(files.map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".yaml") && !f.equals("kustomization.yaml")).toList()));
    }
    assertThat(kustomization.path("images").get(0).path("name").asText()).isEqualTo("vulcan-tracker");
  }

  @Test
  void oneDeploymentPerRoleFromOneImageWithTheConfiguredPortsAndProbes() {
    assertThat(ofKind("Deployment")).extracting(d -> d.path("metadata").path("name").asText())
        .containsExactlyInAnyOrder("vulcan-beacon", "vulcan-katric", "vulcan-scuttlebutt");
    for (JsonNode deployment : ofKind("Deployment")) {
      String name = deployment.path("metadata").path("name").asText();
      String role = name.substring("vulcan-".length());
      JsonNode pod = deployment.path("spec").path("template");
      JsonNode container = container(deployment);
      assertThat(container.path("image").asText()).as(name).isEqualTo("vulcan-tracker");
      assertThat(env(container, "VULCAN_ROLES")).as(name).isEqualTo(role);
      assertThat(pod.path("metadata").path("labels").path("app.kubernetes.io/component").asText()).isEqualTo(role);
      assertThat(env(container, "VULCAN_REMOTE_HOST")).contains("status.podIP");
      assertThat(env(container, "VULCAN_MANAGEMENT_HOST")).contains("status.podIP");
      assertThat(pod.path("spec").path("serviceAccountName").asText()).isEqualTo("vulcan-tracker");
      assertThat(container.path("envFrom").findValuesAsText("name")).containsExactly("vulcan-tracker", "vulcan-tracker");
      assertThat(container.path("envFrom").findValues("configMapRef")).hasSize(1);
      assertThat(container.path("envFrom").findValues("secretRef")).hasSize(1);

      assertThat(port(container, "management")).as(name).isEqualTo(reference.getInt("vulcan.management.port"));
      assertThat(port(container, "remoting")).as(name).isEqualTo(reference.getInt("vulcan.remote.port"));
      assertThat(port(container, "http")).as(name).isEqualTo(ROLES_WITH_HTTP.get(role) ? reference.getInt("vulcan.http.port") : -1);
      assertThat(port(container, kubernetes.getString("pekko.discovery.kubernetes-api.pod-port-name"))).isPositive();

      assertThat(container.path("readinessProbe").path("httpGet").path("path").asText()).isEqualTo("/ready");
      assertThat(container.path("readinessProbe").path("httpGet").path("port").asText()).isEqualTo("management");
      assertThat(container.path("livenessProbe").path("httpGet").path("path").asText()).isEqualTo("/alive");
      assertThat(container.path("livenessProbe").path("httpGet").path("port").asText()).isEqualTo("management");
      assertThat(container.path("resources").path("requests").path("cpu").isMissingNode()).isFalse();
      assertThat(container.path("resources").path("requests").path("memory").isMissingNode()).isFalse();
      assertThat(pod.path("metadata").path("annotations").path("prometheus.io/port").asInt())
          .isEqualTo(reference.getInt("vulcan.management.port"));
    }
  }

  @Test
  void theEdgeSpoolsOntoAVolumeLargerThanTheSpoolsLimit() {
    JsonNode beacon = named("Deployment", "vulcan-beacon");
    String directory = env(container(beacon), "VULCAN_SPOOL_DIR");
    assertThat(container(beacon).path("volumeMounts").findValuesAsText("mountPath")).contains(directory);
    JsonNode volume = beacon.path("spec").path("template").path("spec").path("volumes").get(0);
    assertThat(volume.path("name").asText()).isEqualTo(container(beacon).path("volumeMounts").get(0).path("name").asText());
    long limit = ConfigFactory.parseString("x = " + volume.path("emptyDir").path("sizeLimit").asText().replace("Mi", "MiB")).getBytes("x");
    assertThat(limit).isGreaterThan(reference.getBytes("vulcan.beacon.spool.max-bytes"));
  }

  @Test
  void clusterBootstrapFindsExactlyTheVulcanPods() {
    assertThat(configMap().path("VULCAN_ENV").asText()).isEqualTo("kubernetes");
    assertThat(kubernetes.getBoolean("vulcan.cluster.bootstrap")).isTrue();
    assertThat(kubernetes.getBoolean("vulcan.cassandra.autocreate")).isFalse();
    assertThat(kubernetes.getString("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method"))
        .isEqualTo("kubernetes-api");
    String selector = String.format(kubernetes.getString("pekko.discovery.kubernetes-api.pod-label-selector"),
        kubernetes.getString("pekko.management.cluster.bootstrap.contact-point-discovery.service-name"));
    String[] label = selector.split("=");
    for (JsonNode deployment : ofKind("Deployment")) {
      assertThat(deployment.path("spec").path("template").path("metadata").path("labels").path(label[0]).asText())
          .as(deployment.path("metadata").path("name").asText()).isEqualTo(label[1]);
    }
    // No other pod carries the label: Redis, Scylla and the schema Job stay out of the cluster.
    for (JsonNode workload : Stream.concat(ofKind("StatefulSet").stream(), ofKind("Job").stream()).toList()) {
      assertThat(workload.path("spec").path("template").path("metadata").path("labels").path(label[0]).asText())
          .isNotEqualTo(label[1]);
    }
    JsonNode role = named("Role", "vulcan-tracker-pod-reader");
    assertThat(role.path("rules").get(0).path("resources").get(0).asText()).isEqualTo("pods");
    assertThat(role.path("rules").get(0).path("verbs").toString()).contains("get", "watch", "list");
    JsonNode binding = named("RoleBinding", "vulcan-tracker-pod-reader");
    assertThat(binding.path("roleRef").path("name").asText()).isEqualTo("vulcan-tracker-pod-reader");
    assertThat(binding.path("subjects").get(0).path("name").asText()).isEqualTo("vulcan-tracker");
    named("ServiceAccount", "vulcan-tracker");
  }

  @Test
  void everyEnvironmentVariableIsOneTheApplicationReads() throws IOException {
    Set<String> known = new HashSet<>();
    Matcher matcher = Pattern.compile("\\$\\{\\??(VULCAN_[A-Z_]+)").matcher(
        Files.readString(Path.of("src/main/resources/reference.conf")) + Files.readString(Path.of("project-config/logback.xml"))
            + Files.readString(Path.of("project-config/kubernetes.conf")));
    while (matcher.find()) {
      known.add(matcher.group(1));
    }
    Set<String> used = new HashSet<>();
    configMap().fieldNames().forEachRemaining(used::add);
    for (JsonNode workload : Stream.concat(ofKind("Deployment").stream(), ofKind("Job").stream()).toList()) {
      container(workload).path("env").forEach(env -> used.add(env.path("name").asText()));
    }
    assertThat(used).isNotEmpty().allSatisfy(name -> assertThat(known).as(name).contains(name));
    assertThat(known).contains("VULCAN_ADMIN_TOKEN"); // from the Secret every pod mounts
  }

  @Test
  void servicesAndRoutesReachRealPorts() {
    for (JsonNode service : ofKind("Service")) {
      String app = service.path("spec").path("selector").path("app.kubernetes.io/name").asText();
      JsonNode workload = Stream.concat(ofKind("Deployment").stream(), ofKind("StatefulSet").stream())
          .filter(w -> w.path("spec").path("template").path("metadata").path("labels").path("app.kubernetes.io/name").asText().equals(app))
          .findFirst().orElseThrow(() -> new AssertionError("no pods for Service " + app));
      for (JsonNode port : service.path("spec").path("ports")) {
        assertThat(port(container(workload), port.path("targetPort").asText())).as(app).isPositive();
      }
    }
    Map<String, String> mappings = new java.util.HashMap<>();
    for (JsonNode mapping : ofKind("Mapping")) {
      mappings.put(mapping.path("spec").path("prefix").asText(), mapping.path("spec").path("service").asText());
      String[] service = mapping.path("spec").path("service").asText().split(":");
      JsonNode target = named("Service", service[0]);
      assertThat(target.path("spec").path("ports").findValuesAsText("port")).contains(service[1]);
    }
    assertThat(mappings).containsEntry("/api/v1/beacon", "vulcan-beacon:80").containsEntry("/api/v1/beacon/log", "vulcan-beacon:80")
        .containsEntry("/vulcan.js", "vulcan-beacon:80").containsEntry("/", "vulcan-scuttlebutt:80");
    assertThat(named("Mapping", "vulcan-reports").path("spec").path("allow_upgrade").toString()).contains("websocket");
    JsonNode hpa = named("HorizontalPodAutoscaler", "vulcan-beacon");
    assertThat(hpa.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("vulcan-beacon");
    assertThat(hpa.path("spec").path("minReplicas").asInt()).isGreaterThanOrEqualTo(2);
  }

  @Test
  void redisKeepsAnAppendOnlyFileAndScyllaMatchesTheDriverSettings() {
    JsonNode redis = named("StatefulSet", "vulcan-redis");
    List<String> arguments = new ArrayList<>();
    container(redis).path("args").forEach(a -> arguments.add(a.asText()));
    assertThat(String.join(" ", arguments)).contains("--appendonly yes").contains("--appendfsync everysec").contains("noeviction");
    URI redisUri = URI.create(configMap().path("VULCAN_REDIS_URI").asText());
    assertThat(named("Service", redisUri.getHost()).path("spec").path("ports").findValuesAsText("port")).contains(String.valueOf(redisUri.getPort()));

    JsonNode scylla = ofKind("ScyllaCluster").get(0);
    String contactPoint = configMap().path("VULCAN_CASSANDRA_CONTACT_POINTS").asText();
    assertThat(contactPoint).isEqualTo(scylla.path("metadata").path("name").asText() + "-client:9042");
    assertThat(configMap().path("VULCAN_CASSANDRA_LOCAL_DATACENTER").asText()).isEqualTo(scylla.path("spec").path("datacenter").path("name").asText());
    int members = scylla.path("spec").path("datacenter").path("racks").findValues("members").stream().mapToInt(JsonNode::asInt).sum();
    assertThat(members).isGreaterThanOrEqualTo(configMap().path("VULCAN_CASSANDRA_REPLICATION_FACTOR").asInt());
  }

  @Test
  void theSchemaJobRunsTheImagesSchemaCommand() throws IOException {
    JsonNode job = named("Job", "vulcan-schema");
    assertThat(container(job).path("image").asText()).isEqualTo("vulcan-tracker");
    assertThat(container(job).path("args").get(0).asText()).isEqualTo("schema");
    assertThat(Files.readString(Path.of("src/main/java/biz/vulcantracker/Main.java"))).contains("args[0].equals(\"schema\")");
    String dockerfile = Files.readString(DIRECTORY.resolve("Dockerfile"));
    assertThat(dockerfile).contains("COPY target/vulcan-tracker.jar")
        .contains("EXPOSE " + reference.getInt("vulcan.http.port") + " " + reference.getInt("vulcan.management.port") + " "
            + reference.getInt("vulcan.remote.port"))
        .contains("\"-jar\", \"/opt/vulcan/vulcan-tracker.jar\"");
  }

  @Test
  void onlyWhatANetworkPolicyAllowsReachesAPod() {
    JsonNode deny = named("NetworkPolicy", "vulcan-default-deny").path("spec");
    assertThat(deny.path("podSelector").isEmpty()).as("every pod").isTrue();
    assertThat(deny.path("ingress").isMissingNode() || deny.path("ingress").isEmpty()).isTrue();

    JsonNode edge = named("NetworkPolicy", "vulcan-beacon-from-ingress").path("spec");
    assertThat(edge.path("podSelector").toString()).contains("beacon").contains("scuttlebutt");
    assertThat(edge.path("ingress")).hasSize(1);
    assertThat(edge.path("ingress").get(0).path("from").toString()).contains("emissary").doesNotContain("podSelector\":{}");
    assertThat(edge.path("ingress").get(0).path("ports").findValuesAsText("port")).containsExactly("http");

    JsonNode redis = named("NetworkPolicy", "vulcan-redis-from-nodes").path("spec");
    assertThat(redis.path("ingress").get(0).path("from").toString()).contains("vulcan-tracker");
    // Every policy selects pods that exist.
    Set<String> podLabels = new HashSet<>();
    Stream.concat(ofKind("Deployment").stream(), ofKind("StatefulSet").stream()).forEach(w ->
        w.path("spec").path("template").path("metadata").path("labels").fields()
            .forEachRemaining(label -> podLabels.add(label.getKey() + "=" + label.getValue().asText())));
    for (String selected : List.of("app.kubernetes.io/component=beacon", "app.kubernetes.io/component=scuttlebutt",
        "app.kubernetes.io/part-of=vulcan-tracker", "app.kubernetes.io/name=vulcan-redis")) {
      assertThat(podLabels).contains(selected);
    }
  }

  @Test
  void redisAndScyllaTakeLoginsAndTheTrustedProxiesAreTheIngressOnly() {
    JsonNode redis = container(named("StatefulSet", "vulcan-redis"));
    List<String> arguments = new ArrayList<>();
    redis.path("args").forEach(a -> arguments.add(a.asText()));
    assertThat(String.join(" ", arguments)).contains("--requirepass $(REDIS_PASSWORD)");
    assertThat(redis.path("env").toString()).contains("VULCAN_REDIS_PASSWORD").contains("REDISCLI_AUTH");
    assertThat(configMap().path("VULCAN_REDIS_URI").asText()).doesNotContain("@"); // the password comes from the Secret only

    JsonNode scylla = ofKind("ScyllaCluster").get(0);
    String scyllaConfig = scylla.path("spec").path("datacenter").path("racks").get(0).path("scyllaConfig").asText();
    assertThat(named("ConfigMap", scyllaConfig).path("data").path("scylla.yaml").asText())
        .contains("authenticator: PasswordAuthenticator").contains("authorizer: CassandraAuthorizer");
    Config withLogin = VulcanConfig.load(ConfigFactory.parseMap(Map.of("vulcan.env", "kubernetes",
        "vulcan.cassandra.username", "vulcan", "vulcan.cassandra.password", "secret")));
    assertThat(withLogin.getString("datastax-java-driver.advanced.auth-provider.class")).isEqualTo("PlainTextAuthProvider");
    assertThat(withLogin.getString("datastax-java-driver.advanced.auth-provider.username")).isEqualTo("vulcan");
    assertThat(kubernetes.hasPath("datastax-java-driver.advanced.auth-provider.username")).isFalse();

    String trusted = configMap().path("VULCAN_TRUSTED_PROXIES").asText();
    assertThat(trusted.split(",")).allSatisfy(cidr ->
        assertThat(Integer.parseInt(cidr.substring(cidr.indexOf('/') + 1))).as(cidr + ": a pool of the ingress's pods, not a network").isGreaterThanOrEqualTo(20));
  }
}
