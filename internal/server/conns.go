package server

import (
	"crypto/tls"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// newConnGrace is how long a new connection may take to send its first
// request before it may be closed to make room for another.
const newConnGrace = 2 * time.Second

// DefaultMaxConns returns the default cap on open connections: three
// quarters of the file descriptors the process may open, the rest kept for
// the store, the logs and the Go runtime, within [16, 16384].
func DefaultMaxConns() int {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur == 0 {
		return 1024
	}
	n := int(min(lim.Cur, 1<<20))*3/4 - 32
	return min(max(n, 16), 16384)
}

// connLimiter caps the connections a listener hands out. When every slot is
// taken, the connection that has waited longest without a request in
// progress (idle between requests, or new and past its grace) is closed to
// make room, so a flood of idle connections cannot lock out a client with
// work to do; only when every connection is busy does Accept wait.
type connLimiter struct {
	net.Listener
	slots chan struct{}

	mu    sync.Mutex
	conns map[net.Conn]connInfo
	freed chan struct{} // a slot came free
}

type connInfo struct {
	state http.ConnState
	since time.Time
}

func newConnLimiter(ln net.Listener, max int) *connLimiter {
	return &connLimiter{Listener: ln, slots: make(chan struct{}, max), conns: map[net.Conn]connInfo{}, freed: make(chan struct{}, 1)}
}

// Accept implements net.Listener.
func (l *connLimiter) Accept() (net.Conn, error) {
	for {
		select {
		case l.slots <- struct{}{}:
			c, err := l.Listener.Accept()
			if err != nil {
				<-l.slots
				return nil, err
			}
			lc := &limitedConn{Conn: c, l: l}
			l.mu.Lock()
			l.conns[lc] = connInfo{state: http.StateNew, since: time.Now()}
			l.mu.Unlock()
			return lc, nil
		default:
		}
		if !l.evict() {
			// Everything is busy: wait for a connection to end, or for
			// one to become evictable.
			select {
			case <-l.freed:
			case <-time.After(newConnGrace / 4):
			}
		}
	}
}

// evict closes the longest-waiting connection with no request in progress,
// and reports whether there was one.
func (l *connLimiter) evict() bool {
	l.mu.Lock()
	var victim net.Conn
	var oldest time.Time
	now := time.Now()
	for c, ci := range l.conns {
		evictable := ci.state == http.StateIdle || (ci.state == http.StateNew && now.Sub(ci.since) >= newConnGrace)
		if evictable && (victim == nil || ci.since.Before(oldest)) {
			victim, oldest = c, ci.since
		}
	}
	if victim != nil {
		delete(l.conns, victim) // not chosen twice while it closes
	}
	l.mu.Unlock()
	if victim == nil {
		return false
	}
	victim.Close()
	return true
}

// connState is the http.Server's ConnState hook: it tells the limiter which
// connections are between requests.
func (l *connLimiter) connState(c net.Conn, st http.ConnState) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn() // https: the conn this limiter handed out is beneath
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch st {
	case http.StateClosed, http.StateHijacked:
		delete(l.conns, c)
	default:
		if _, ok := l.conns[c]; ok {
			l.conns[c] = connInfo{state: st, since: time.Now()}
		}
	}
}

// limitedConn gives its slot back when it is closed, once.
type limitedConn struct {
	net.Conn
	l    *connLimiter
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() {
		c.l.mu.Lock()
		delete(c.l.conns, c)
		c.l.mu.Unlock()
		<-c.l.slots
		select {
		case c.l.freed <- struct{}{}:
		default:
		}
	})
	return err
}
