module github.com/gojanus/gojanus

go 1.26.8

require (
	github.com/coder/websocket v1.8.15
	github.com/magefile/mage v1.17.2
	github.com/stretchr/testify v1.12.1
	go.uber.org/goleak v1.3.0
)

require go.yaml.in/yaml/v3 v3.0.5 // indirect

tool github.com/magefile/mage
