package biz.vulcantracker.beacon.front;

/**
 * {@link FrontServerIT} on epoll: the transport the front falls back to where io_uring is refused
 * (an older kernel, or a container's seccomp profile), so it must pass the same tests.
 */
class EpollFrontServerIT extends FrontServerIT {

  @Override
  String transport() {
    return "epoll";
  }

  @Override
  boolean runsOnIoUring() {
    return false;
  }
}
