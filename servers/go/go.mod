module h2race/go-net-http-server

go 1.19
