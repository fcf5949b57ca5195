#!/bin/sh
echo "rotating logs"
