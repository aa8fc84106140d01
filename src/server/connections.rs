//! Accepting connections, with the bounds `axum::serve` cannot be given: a connection whose
//! request headers are not complete within `header_read_timeout` is closed (a slowloris
//! client trickling headers, or an idle keep-alive connection: hyper restarts that timer each
//! time a connection goes idle), and so is one on which no byte moves either way for
//! `idle_timeout` (a stalled body, a client that stops reading). Graceful shutdown works as
//! in `axum::serve`: stop accepting, let requests in flight finish, close idle connections.
//!
//! HTTP/1 only, like the app: hyper-util's auto-detecting builder reads its first bytes with
//! no timeout, which would let a silent connection live forever.
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::{pin, Pin};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::time::{Instant, Sleep};
use tower::Service;

/// Serves `router` on `listener` until `shutdown` completes, then drains.
pub async fn serve_with_timeouts(
    listener: TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    header_read_timeout: Duration,
    idle_timeout: Duration,
) -> io::Result<()> {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .keep_alive(true);
    let mut make_service = router.into_make_service_with_connect_info::<SocketAddr>();

    // Dropping `stop_receiver` tells every connection to finish; `open` counts them.
    let (stop, stop_receiver) = watch::channel(());
    tokio::spawn(async move {
        shutdown.await;
        drop(stop_receiver);
    });
    let (all_closed, open) = watch::channel(());

    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(connection) => connection,
                Err(err) => {
                    accept_error(err).await;
                    continue;
                }
            },
            _ = stop.closed() => break,
        };
        let service = match make_service.call(remote).await {
            Ok(service) => service,
            Err(never) => match never {},
        };
        let service = TowerToHyperService::new(service);
        let io = TokioIo::new(IdleTimeout::new(stream, idle_timeout));
        let builder = builder.clone();
        let stop = stop.clone();
        let open = open.clone();
        tokio::spawn(async move {
            let mut connection = pin!(builder.serve_connection(io, service).with_upgrades());
            let mut draining = false;
            loop {
                tokio::select! {
                    result = connection.as_mut() => {
                        if let Err(err) = result {
                            tracing::debug!(%remote, timeout = err.is_timeout(), "connection closed: {err}");
                        }
                        break;
                    }
                    _ = stop.closed(), if !draining => {
                        draining = true;
                        connection.as_mut().graceful_shutdown();
                    }
                }
            }
            drop(open);
        });
    }
    drop(open);
    drop(listener);
    all_closed.closed().await;
    Ok(())
}

/// As `axum::serve` does: a client that gave up is not our error; anything else (out of file
/// descriptors) is logged, and accepting pauses a moment instead of spinning.
async fn accept_error(err: io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(
        err.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    ) {
        return;
    }
    tracing::error!("accept error: {err}");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// A stream whose reads and writes fail with `TimedOut` once `timeout` has passed without a
/// byte moving either way.
struct IdleTimeout<S> {
    inner: S,
    timeout: Duration,
    sleep: Pin<Box<Sleep>>,
}

impl<S> IdleTimeout<S> {
    fn new(inner: S, timeout: Duration) -> Self {
        IdleTimeout {
            inner,
            timeout,
            sleep: Box::pin(tokio::time::sleep(timeout)),
        }
    }

    fn touch(&mut self) {
        let deadline = Instant::now() + self.timeout;
        self.sleep.as_mut().reset(deadline);
    }

    fn expired<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        match self.sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "no data moved within the idle timeout",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }

    fn moved<T>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<T>>,
        moved: impl Fn(&T) -> bool,
    ) -> Poll<io::Result<T>> {
        match result {
            Poll::Ready(Ok(value)) => {
                if moved(&value) {
                    self.touch();
                }
                Poll::Ready(Ok(value))
            }
            Poll::Ready(Err(err)) => Poll::Ready(Err(err)),
            Poll::Pending => self.expired(cx),
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for IdleTimeout<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let result = Pin::new(&mut this.inner).poll_read(cx, buf);
        let read = buf.filled().len() > before;
        this.moved(cx, result, |_| read)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for IdleTimeout<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.moved(cx, result, |n| *n > 0)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.moved(cx, result, |n| *n > 0)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
