package biz.vulcantracker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The package rules of the code base, checked over the compiled main classes: packages by pipeline
 * stage, dependencies in one direction. Each rule names what breaking it would mean.
 */
class PackageRulesTest {

  private static final JavaClasses MAIN = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("biz.vulcantracker");

  private static final String[] STAGES = {
      "biz.vulcantracker.beacon..", "biz.vulcantracker.queue..", "biz.vulcantracker.katric..",
      "biz.vulcantracker.store..", "biz.vulcantracker.scuttlebutt..", "biz.vulcantracker.ops..",
      "biz.vulcantracker.forwarder.."};

  @Test
  void noPackageImportsOneThatImportsItBack() {
    slices().matching("biz.vulcantracker.(**)").should().beFreeOfCycles().check(MAIN);
  }

  @Test
  void onlyTheRootStartsTheStages() {
    // Main and VulcanNode wire every stage together; a stage importing them would import all the others.
    noClasses().that().resideOutsideOfPackage("biz.vulcantracker")
        .should().dependOnClassesThat().resideInAPackage("biz.vulcantracker")
        .check(MAIN);
  }

  @Test
  void sharedPackagesAreLeaves() {
    noClasses().that().resideInAnyPackage("biz.vulcantracker.common..", "biz.vulcantracker.model..",
            "biz.vulcantracker.telemetry..", "biz.vulcantracker.enrich..", "biz.vulcantracker.logformat..")
        .should().dependOnClassesThat().resideInAnyPackage(STAGES)
        .check(MAIN);
  }

  @Test
  void theEdgeNeverReachesIntoTheProcessorsOrTheReports() {
    // The edge validates, appends and answers: it never asks an entity or reads a report.
    noClasses().that().resideInAPackage("biz.vulcantracker.beacon..")
        .should().dependOnClassesThat().resideInAnyPackage("biz.vulcantracker.katric..", "biz.vulcantracker.scuttlebutt..")
        .check(MAIN);
  }

  @Test
  void opsAndTheStagesStayApart() {
    noClasses().that().resideInAPackage("biz.vulcantracker.ops..")
        .should().dependOnClassesThat().resideInAnyPackage("biz.vulcantracker.katric..", "biz.vulcantracker.beacon..",
            "biz.vulcantracker.scuttlebutt..")
        .check(MAIN);
    noClasses().that().resideInAnyPackage("biz.vulcantracker.katric..", "biz.vulcantracker.beacon..",
            "biz.vulcantracker.scuttlebutt..", "biz.vulcantracker.queue..", "biz.vulcantracker.store..")
        .should().dependOnClassesThat().resideInAPackage("biz.vulcantracker.ops..")
        .check(MAIN);
  }

  @Test
  void theQueueKnowsNoStageOnEitherSide() {
    noClasses().that().resideInAPackage("biz.vulcantracker.queue..")
        .should().dependOnClassesThat().resideInAnyPackage("biz.vulcantracker.beacon..", "biz.vulcantracker.katric..",
            "biz.vulcantracker.store..", "biz.vulcantracker.scuttlebutt..")
        .check(MAIN);
  }

  @Test
  void theForwarderShipsWithTheLogFormatOnly() {
    // The forwarder runs on the customer's server: it must not drag in the node.
    noClasses().that().resideInAPackage("biz.vulcantracker.forwarder..")
        .should().dependOnClassesThat().resideInAnyPackage("biz.vulcantracker.beacon..", "biz.vulcantracker.queue..",
            "biz.vulcantracker.katric..", "biz.vulcantracker.store..", "biz.vulcantracker.scuttlebutt..",
            "biz.vulcantracker.ops..", "biz.vulcantracker.telemetry..")
        .check(MAIN);
  }
}
